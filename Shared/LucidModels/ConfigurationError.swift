/// The error for a `config.json` that decodes but describes a model this engine does not build.

/// A configuration outside what the engine supports, naming the component and field.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case unsupported(component: String, field: String, detail: String)

    public var description: String {
        switch self {
        case .unsupported(let component, let field, let detail):
            return "\(component) config: unsupported \(field): \(detail)"
        }
    }
}
