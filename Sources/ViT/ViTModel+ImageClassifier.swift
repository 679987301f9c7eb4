import Models

extension ViTModel: ImageClassifier {
    public var inputSize: Int { config.imageSize }
    public var inputChannels: Int { config.channels }
    public var classCount: Int { config.classes }
}
