import Models
import Tensor

/// Computes the perturbation curves of one image and its map: every perturbed image of the map goes through the
/// model as one batch (``ImageClassifier/logits(_:)`` on `[B, C, S, S]`, split into chunks of at most ``maxBatch`` to
/// bound memory).
///
/// Each step of a curve replaces the first `k` pixels of ``PerturbationRanking/order(_:_:)`` (all channels
/// together): deletion starts from the image and takes those pixels from the substrate (Chefer, AG-CAM, RISE
/// deletion), insertion starts from the substrate and takes them from the image (RISE insertion). The substrate
/// of a curve is ``PerturbationSettings/substrateFill(for:)`` (the settings' fill for deletion, RISE's blur for
/// insertion): a colour in normalised space (``PerturbationNormalization/fillColour(_:)``) or, for
/// ``PerturbationSettings/Fill/blur``, ``PerturbationBlur/blurred(_:)`` of the image. Working in normalised space
/// gives Chefer's "set to 0 in `[0, 1]`, then normalise" exactly: untouched pixels keep their normalised values
/// and filled ones become `(0 - mean) / std`.
///
/// Images that every curve shares are run once: the unperturbed image (deletion at `k = 0`, insertion at
/// `k = S * S`, and Chefer's first trapezoid point; a given logits vector is reused instead) and the full
/// substrate (deletion at `k = S * S` for MoRF and LeRF alike, insertion at `k = 0`).
public struct PerturbationRunner: Sendable {
    public let model: any ImageClassifier
    public let settings: PerturbationSettings
    public let normalization: PerturbationNormalization
    /// Where each curve is sampled.
    public let schedule: PerturbationSchedule
    /// The most images in one call of the model (16 ViT-B/16 images at 224 keep one block's activations near
    /// 100 MB).
    public var maxBatch: Int

    /// A runner for `model` (3 channels) under `settings`; throws on an invalid schedule or normalisation.
    public init(
        model: any ImageClassifier, settings: PerturbationSettings, normalization: PerturbationNormalization,
        maxBatch: Int = 16
    ) throws(PerturbationError) {
        guard model.inputChannels == 3 else { throw .unsupportedChannels(model.inputChannels) }
        try normalization.validate()
        self.model = model
        self.settings = settings
        self.normalization = normalization
        self.schedule = try PerturbationSchedule(
            settings.steps, pixelCount: model.inputSize * model.inputSize)
        self.maxBatch = max(1, maxBatch)
    }

    /// The curves of ``PerturbationSettings/curves`` for one image, scoring ``PerturbationSettings/scoreClass``:
    /// `label` for `.label` (required then), the unperturbed image's top-1 class for `.predicted`.
    ///
    /// - Parameters:
    ///   - image: the normalised model input, `[3, S, S]` or `[1, 3, S, S]`.
    ///   - map: the ranking map at input resolution, `[S, S]` (normally min-max normalised).
    ///   - unperturbedLogits: the model's logits for `image`, `[K]` or `[1, K]`, when already known.
    public func curves(
        image: Tensor, map: Tensor, label: Int?, unperturbedLogits: Tensor? = nil
    ) throws(PerturbationError) -> [PerturbationCurve] {
        let classes = model.classCount
        let known = try unperturbedLogits.map { logits throws(PerturbationError) in
            guard logits.count == classes, logits.rank == 1 || (logits.rank == 2 && logits.shape[0] == 1) else {
                throw PerturbationError.logitsShape(got: logits.shape, classes: classes)
            }
            return logits.storage
        }
        if settings.scoreClass == .label, label == nil { throw .missingLabel }
        let logits = try stepLogits(image: image, map: map, unperturbedLogits: known)
        let scoreClass = settings.scoreClass == .label ? label ?? 0 : logits.predictedClass
        return try logits.curves(score: settings.score, scoreClass: scoreClass)
    }

    /// The curves of ``PerturbationSettings/curves`` for one image, scoring class `scoreClass`
    /// (see ``curves(image:map:label:unperturbedLogits:)``; `unperturbedLogits` is `[K]` here).
    public func curves(
        image: Tensor, map: Tensor, scoreClass: Int, unperturbedLogits: [Float]? = nil
    ) throws(PerturbationError) -> [PerturbationCurve] {
        guard (0..<model.classCount).contains(scoreClass) else {
            throw .classOutOfRange(scoreClass, classes: model.classCount)
        }
        return try stepLogits(image: image, map: map, unperturbedLogits: unperturbedLogits)
            .curves(score: settings.score, scoreClass: scoreClass)
    }

    /// The model's logits at every step of every curve of ``PerturbationSettings/curves`` (one batched pass over
    /// all perturbed images of `map`), from which curves of any score follow
    /// (``PerturbationLogits/curves(score:scoreClass:)``). Arguments as ``curves(image:map:scoreClass:unperturbedLogits:)``.
    public func stepLogits(
        image: Tensor, map: Tensor, unperturbedLogits: [Float]? = nil
    ) throws(PerturbationError) -> PerturbationLogits {
        let side = model.inputSize
        let pixels = side * side
        guard image.count == 3 * pixels, image.shape.suffix(3) == [3, side, side], image.rank <= 4,
            image.rank == 3 || image.shape[0] == 1
        else { throw .imageShape(got: image.shape, expected: [3, side, side]) }
        guard map.shape == [side, side] else { throw .mapShape(got: map.shape, expected: [side, side]) }
        if let unperturbedLogits, unperturbedLogits.count != model.classCount {
            throw .logitsShape(got: [unperturbedLogits.count], classes: model.classCount)
        }

        // The images to run: the unperturbed one (unless given), the full substrate (if a curve reaches it), and
        // one per step strictly between the two ends.
        var orders: [PerturbationSettings.Order: [Int]] = [:]
        var jobs: [Job] = []
        var stepSources: [[Source]] = []
        var substrateJobs: [PerturbationSettings.Fill: Int] = [:]
        for curve in settings.curves {
            let fill = settings.substrateFill(for: curve)
            if orders[curve.order] == nil { orders[curve.order] = PerturbationRanking.order(map.storage, curve.order) }
            var sources: [Source] = []
            for count in schedule.pixelCounts {
                let showsImage = curve.mode == .deletion ? count == 0 : count == pixels
                let showsSubstrate = curve.mode == .deletion ? count == pixels : count == 0
                if showsImage {
                    sources.append(.unperturbed)
                } else if showsSubstrate {
                    let index = substrateJobs[fill] ?? jobs.count
                    if index == jobs.count {
                        substrateJobs[fill] = index
                        jobs.append(.substrate(fill))
                    }
                    sources.append(.job(index))
                } else {
                    sources.append(.job(jobs.count))
                    jobs.append(.step(curve, count))
                }
            }
            stepSources.append(sources)
        }
        let unperturbedJob = unperturbedLogits == nil ? jobs.count : nil
        if unperturbedJob != nil { jobs.append(.unperturbed) }

        let imageValues = image.storage
        var substrates: [PerturbationSettings.Fill: [Float]] = [:]
        for curve in settings.curves where substrates[settings.substrateFill(for: curve)] == nil {
            let fill = settings.substrateFill(for: curve)
            substrates[fill] = substrateImage(imageValues, fill: fill, side: side)
        }
        let logits = runBatches(jobs, image: imageValues, substrates: substrates, orders: orders, side: side)
        let classes = model.classCount
        func row(_ index: Int) -> ArraySlice<Float> { logits[(index * classes)..<((index + 1) * classes)] }
        let unperturbed = unperturbedLogits ?? Array(row(unperturbedJob ?? 0))
        return PerturbationLogits(
            curves: settings.curves, schedule: schedule, unperturbed: unperturbed,
            steps: stepSources.map { sources in
                sources.flatMap { source in
                    switch source {
                    case .unperturbed: unperturbed[...]
                    case .job(let index): row(index)
                    }
                }
            })
    }

    /// The model inputs of every step of `curve`, `[T, 3, S, S]` (for inspection and plots; ``curves`` builds
    /// the same images chunk by chunk). `image` is `[3, S, S]` or `[1, 3, S, S]`, `map` `[S, S]`.
    public func perturbedInputs(
        image: Tensor, map: Tensor, curve: PerturbationSettings.Curve
    ) throws(PerturbationError) -> Tensor {
        let side = model.inputSize
        let pixels = side * side
        guard image.count == 3 * pixels, image.shape.suffix(3) == [3, side, side] else {
            throw .imageShape(got: image.shape, expected: [3, side, side])
        }
        guard map.shape == [side, side] else { throw .mapShape(got: map.shape, expected: [side, side]) }
        let order = PerturbationRanking.order(map.storage, curve.order)
        let substrate = substrateImage(image.storage, fill: settings.substrateFill(for: curve), side: side)
        let (from, to) = curve.mode == .deletion ? (image.storage, substrate) : (substrate, image.storage)
        let counts = schedule.pixelCounts
        return Tensor(shape: [counts.count, 3, side, side]) { output in
            for (step, count) in counts.enumerated() {
                Self.writeStep(
                    into: output + step * 3 * pixels, start: from, finish: to, order: order, count: count,
                    pixels: pixels)
            }
        }
    }

    /// What one batch entry is.
    enum Job {
        case unperturbed
        case substrate(PerturbationSettings.Fill)
        case step(PerturbationSettings.Curve, Int)
    }

    /// Where a step's logits come from.
    enum Source {
        case unperturbed
        case job(Int)
    }

    /// The substrate `[3 * S * S]` of a fill: its colour everywhere, or the blurred image.
    func substrateImage(_ image: [Float], fill: PerturbationSettings.Fill, side: Int) -> [Float] {
        let pixels = side * side
        guard let colour = normalization.fillColour(fill) else {
            return PerturbationBlur.blurred(Tensor(shape: [3, side, side], storage: image)).storage
        }
        var values = [Float](repeating: 0, count: 3 * pixels)
        for channel in 0..<3 {
            values.withUnsafeMutableBufferPointer { buffer in
                for index in (channel * pixels)..<((channel + 1) * pixels) { buffer[index] = colour[channel] }
            }
        }
        return values
    }

    /// Runs every job through the model in balanced chunks of at most ``maxBatch`` images, building each chunk's
    /// input only when it is needed; returns the logits `[jobs, K]` flattened.
    private func runBatches(
        _ jobs: [Job], image: [Float], substrates: [PerturbationSettings.Fill: [Float]],
        orders: [PerturbationSettings.Order: [Int]], side: Int
    ) -> [Float] {
        guard !jobs.isEmpty else { return [] }
        let imageSize = 3 * side * side
        let chunkCount = (jobs.count + maxBatch - 1) / maxBatch
        var logits: [Float] = []
        logits.reserveCapacity(jobs.count * model.classCount)
        for chunk in 0..<chunkCount {
            let start = jobs.count * chunk / chunkCount
            let end = jobs.count * (chunk + 1) / chunkCount
            let batch = Tensor(shape: [end - start, 3, side, side]) { output in
                for (offset, job) in jobs[start..<end].enumerated() {
                    let target = output + offset * imageSize
                    switch job {
                    case .unperturbed:
                        Self.copy(image, to: target)
                    case .substrate(let fill):
                        Self.copy(substrates[fill] ?? [], to: target)
                    case .step(let curve, let count):
                        let substrate = substrates[settings.substrateFill(for: curve)] ?? []
                        let (from, to) = curve.mode == .deletion ? (image, substrate) : (substrate, image)
                        Self.writeStep(
                            into: target, start: from, finish: to, order: orders[curve.order] ?? [], count: count,
                            pixels: side * side)
                    }
                }
            }
            logits += model.logits(batch).storage
        }
        return logits
    }

    /// Copies every value of `values` to `target`.
    static func copy(_ values: [Float], to target: UnsafeMutablePointer<Float>) {
        values.withUnsafeBufferPointer { buffer in
            guard let address = buffer.baseAddress else { return }
            target.update(from: address, count: buffer.count)
        }
    }

    /// Writes `start` with the first `count` pixels of `order` taken from `finish` (3 channels) into `target`.
    /// Past half the pixels it copies `finish` and restores the rest from `start` instead: the same image, fewer
    /// scattered writes.
    static func writeStep(
        into target: UnsafeMutablePointer<Float>, start: [Float], finish: [Float], order: [Int], count: Int,
        pixels: Int
    ) {
        let flipped = count > pixels / 2
        let (base, patch) = flipped ? (finish, start) : (start, finish)
        let indices = flipped ? order[count...] : order[..<count]
        base.withUnsafeBufferPointer { base in
            patch.withUnsafeBufferPointer { patch in
                guard let baseAddress = base.baseAddress else { return }
                target.update(from: baseAddress, count: 3 * pixels)
                for channel in 0..<3 {
                    let offset = channel * pixels
                    for index in indices { target[offset + index] = patch[offset + index] }
                }
            }
        }
    }
}
