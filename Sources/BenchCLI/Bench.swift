import ArgumentParser
import Tensor

/// The `bench` command: evaluates ViT explanation methods on localization datasets.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark harness for Vision Transformer explanation methods.",
        discussion: """
            Reads Pascal VOC 2012, ImageNet val, CUB-200-2011, ImageNet-Segmentation, wsolevaluation metadata, \
            plain folders and a synthetic dataset it generates itself. Run `bench datasets` to see what each \
            adapter reads, and `bench inspect --dataset D --root R` to check a layout before a long run. \
            `bench predict` classifies images with a ViT checkpoint (timm or Hugging Face safetensors).
            """,
        subcommands: [
            Run.self, Synth.self, Datasets.self, Inspect.self, Predict.self, Methods.self, Explain.self,
            Protocols.self, Merge.self, Gate.self, Report.self,
        ],
        defaultSubcommand: Run.self
    )

    /// Tunes the allocator for repeated large passes, then parses the arguments and runs the command.
    static func main() {
        AllocatorTuning.keepLargeBlocks()
        main(nil)
    }
}
