/// torchvision's output-size rules for `transforms.Resize`.
public enum TorchvisionResize {
    /// The size `Resize(shorterSide)` (an `int` size) gives an image of `width x height`.
    ///
    /// torchvision's `_compute_resized_output_size`: the shorter side becomes `shorterSide` and the longer
    /// one `int(shorterSide * long / short)` — true division, then truncation toward zero. When the sides
    /// are equal the width counts as the shorter one (`short, long = (w, h) if w <= h else (h, w)`).
    /// - Returns: `(width, height)` of the resized image.
    public static func outputSize(width: Int, height: Int, shorterSide: Int) -> (width: Int, height: Int) {
        precondition(width > 0 && height > 0 && shorterSide > 0, "TorchvisionResize: sizes must be positive")
        let (short, long) = width <= height ? (width, height) : (height, width)
        // Python divides the exact integers and rounds once; converting both to Double first is the same
        // single correctly rounded division while the product stays below 2^53.
        let newLong = Int((Double(shorterSide * long) / Double(short)).rounded(.towardZero))
        return width <= height ? (shorterSide, newLong) : (newLong, shorterSide)
    }
}
