extension RGBImage {
    /// The image resized with Pillow's filters; see ``PILResize`` for the exact arithmetic.
    /// - Parameters:
    ///   - width, height: the output size, both > 0.
    ///   - filter: Pillow's resampling filter.
    public func resized(width targetWidth: Int, height targetHeight: Int, filter: PILResize.Filter) -> RGBImage {
        RGBImage(
            width: targetWidth, height: targetHeight,
            pixels: PILResize.resize(
                pixels, width: width, height: height, channels: 3, targetWidth: targetWidth,
                targetHeight: targetHeight, filter: filter))
    }

    /// torchvision's `Resize(shorterSide)` on a PIL image: the shorter side to `shorterSide`, the other by
    /// ``TorchvisionResize/outputSize(width:height:shorterSide:)``, resampled by Pillow.
    public func resized(shorterSide: Int, filter: PILResize.Filter) -> RGBImage {
        let size = TorchvisionResize.outputSize(width: width, height: height, shorterSide: shorterSide)
        return resized(width: size.width, height: size.height, filter: filter)
    }
}

extension GrayImage {
    /// The image resized as Pillow resizes mode "L"; see ``PILResize``.
    public func resized(width targetWidth: Int, height targetHeight: Int, filter: PILResize.Filter) -> GrayImage {
        GrayImage(
            width: targetWidth, height: targetHeight,
            values: PILResize.resize(
                values, width: width, height: height, channels: 1, targetWidth: targetWidth,
                targetHeight: targetHeight, filter: filter))
    }

    /// torchvision's `Resize(shorterSide)` on a mode "L" PIL image.
    public func resized(shorterSide: Int, filter: PILResize.Filter) -> GrayImage {
        let size = TorchvisionResize.outputSize(width: width, height: height, shorterSide: shorterSide)
        return resized(width: size.width, height: size.height, filter: filter)
    }
}
