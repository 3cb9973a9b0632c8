/// `DiffusersFolder`: a Stable Diffusion checkpoint saved by diffusers' `save_pretrained`:
/// `model_index.json` naming the components, one sub-folder per component with its `config.json`
/// (or `scheduler_config.json`) and its weights (`diffusion_pytorch_model[.variant].safetensors`,
/// `model[.variant].safetensors`, or a sharded `….safetensors.index.json`).
import Foundation

/// A component or file the loader needed and did not find, or could not read.
public enum DiffusersFolderError: Error, CustomStringConvertible, Equatable {
    /// `model_index.json` is absent or not a JSON object.
    case invalidModelIndex(path: String, detail: String)
    /// The index does not list the component, or its folder is absent.
    case missingComponent(String, folder: String)
    /// A configuration file is absent.
    case missingConfiguration(path: String)
    /// A configuration file is not valid JSON of the expected form.
    case invalidConfiguration(path: String, detail: String)
    /// No safetensors weights in the component folder (the names tried are listed).
    case missingWeights(component: String, folder: String, tried: [String])

    public var description: String {
        switch self {
        case .invalidModelIndex(let path, let detail): return "\(path): invalid model_index.json: \(detail)"
        case .missingComponent(let name, let folder): return "\(folder): the checkpoint has no '\(name)' component"
        case .missingConfiguration(let path): return "\(path): configuration file not found"
        case .invalidConfiguration(let path, let detail): return "\(path): invalid configuration: \(detail)"
        case .missingWeights(let component, let folder, let tried):
            return "\(folder): no weights for '\(component)' (tried \(tried.joined(separator: ", ")))"
        }
    }
}

/// A diffusers pipeline folder on disk.
public struct DiffusersFolder: Sendable {
    /// The folder.
    public let url: URL
    /// Component name → (library, class), e.g. `"unet": ("diffusers", "UNet2DConditionModel")`;
    /// components saved as `[null, null]` (e.g. a disabled safety checker) are left out.
    public let components: [String: (library: String, className: String)]

    /// Opens the folder at `url` by reading its `model_index.json`.
    public init(url: URL) throws {
        self.url = url
        let indexURL = url.appendingPathComponent("model_index.json")
        guard let data = FileManager.default.contents(atPath: indexURL.path) else {
            throw DiffusersFolderError.invalidModelIndex(path: indexURL.path, detail: "file not found")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw DiffusersFolderError.invalidModelIndex(path: indexURL.path, detail: "not a JSON object")
        }
        var components: [String: (library: String, className: String)] = [:]
        for (name, value) in root where !name.hasPrefix("_") {
            if let pair = value as? [Any], pair.count == 2, let library = pair[0] as? String, let className = pair[1] as? String {
                components[name] = (library, className)
            }
        }
        self.components = components
    }

    /// The folder of `component`, which must be listed in the index and exist.
    public func folder(of component: String) throws -> URL {
        let folder = url.appendingPathComponent(component)
        var isDirectory: ObjCBool = false
        guard components[component] != nil,
              FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw DiffusersFolderError.missingComponent(component, folder: url.path) }
        return folder
    }

    /// Decodes `component/file` as `type` (fields absent from the file keep the type's defaults).
    public func configuration<T: Decodable>(_ type: T.Type, component: String, file: String = "config.json") throws -> T {
        try Self.configuration(type, path: folder(of: component).appendingPathComponent(file).path)
    }

    /// Decodes the JSON file at `path` as `type` (fields absent from the file keep the type's defaults).
    public static func configuration<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiffusersFolderError.missingConfiguration(path: path)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw DiffusersFolderError.invalidConfiguration(path: path, detail: describe(error))
        }
    }

    /// The UNet's configuration (`unet/config.json`).
    public func unetConfiguration() throws -> UNet2DConditionConfiguration {
        try configuration(UNet2DConditionConfiguration.self, component: "unet")
    }

    /// The VAE's configuration (`vae/config.json`).
    public func vaeConfiguration() throws -> AutoencoderKLConfiguration {
        try configuration(AutoencoderKLConfiguration.self, component: "vae")
    }

    /// The text encoder's configuration (`text_encoder/config.json`).
    public func textEncoderConfiguration() throws -> CLIPTextConfiguration {
        try configuration(CLIPTextConfiguration.self, component: "text_encoder")
    }

    /// The scheduler's configuration (`scheduler/scheduler_config.json`).
    public func schedulerConfiguration() throws -> DDIMSchedulerConfiguration {
        try configuration(DDIMSchedulerConfiguration.self, component: "scheduler", file: "scheduler_config.json")
    }

    /// The weights of `component`. With a `variant` (e.g. `"fp16"`) its files are preferred and the
    /// plain ones are the fallback; without one the plain files are preferred and any variant is the
    /// fallback. A sharded checkpoint (`*.safetensors.index.json`) opens all its shards.
    public func weights(for component: String, variant: String? = nil) throws -> WeightSource {
        let folder = try folder(of: component)
        let stems = ["diffusion_pytorch_model", "model"]
        var candidates: [String] = []
        if let variant {
            candidates += stems.flatMap { ["\($0).\(variant).safetensors", "\($0).safetensors.index.\(variant).json"] }
        }
        candidates += stems.flatMap { ["\($0).safetensors", "\($0).safetensors.index.json"] }
        if variant == nil {
            let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            candidates += present.filter { name in
                stems.contains { name.hasPrefix($0 + ".") } && name.hasSuffix(".safetensors") && !candidates.contains(name)
            }.sorted()
        }
        for name in candidates where FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            let path = folder.appendingPathComponent(name).path
            return name.hasSuffix(".json") ? try shards(index: path, folder: folder) : try SafetensorsFile(path: path)
        }
        throw DiffusersFolderError.missingWeights(component: component, folder: folder.path, tried: candidates)
    }

    /// The shards named by a `….safetensors.index.json` (`{"weight_map": {key: file}}`).
    private func shards(index path: String, folder: URL) throws -> WeightSource {
        guard let data = FileManager.default.contents(atPath: path),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let map = root["weight_map"] as? [String: String]
        else { throw DiffusersFolderError.invalidConfiguration(path: path, detail: "no weight_map of key → file") }
        let files = Set(map.values).sorted()
        return CombinedWeightSource(try files.map { try SafetensorsFile(path: folder.appendingPathComponent($0).path) })
    }

    /// A one-line account of a decoding error: the field path and what was wrong.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "\(path(context).isEmpty ? "file" : path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
