extension PerturbationSettings {
    /// The fill a curve's substrate uses: ``fill`` for deletion curves; for insertion curves always
    /// ``Fill/blur``, RISE's insertion substrate (`evaluation.py`: `insertion = CausalMetric(model, 'ins', step,
    /// substrate_fn=blur)` beside `deletion = CausalMetric(model, 'del', step, substrate_fn=torch.zeros_like)`),
    /// since one settings value holds both curves of ``rise2018`` and only one ``fill``.
    public func substrateFill(for curve: Curve) -> Fill {
        curve.mode == .insertion ? .blur : fill
    }
}
