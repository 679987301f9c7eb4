/// The id a configured method shows in tables: the registry id, then each option that differs from its default
/// as `:key=value`, in the order given (`rollout:start=1`, `gae:grad=probability`).
package enum MethodID {
    package static func make(_ base: String, _ options: [(key: String, value: String, isDefault: Bool)]) -> String {
        options.filter { !$0.isDefault }.reduce(base) { "\($0):\($1.key)=\($1.value)" }
    }
}
