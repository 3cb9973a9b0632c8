/// `CLIPTokenizer`: CLIP's byte-level BPE tokenizer (Radford et al., "Learning Transferable Visual
/// Models From Natural Language Supervision", 2021), producing the ids of transformers'
/// `CLIPTokenizer`: NFC + whitespace collapse + lowercase, CLIP's pre-tokenisation pattern, byte-level
/// symbols with a `</w>` end-of-word suffix, ranked merges, then BOS … EOS padded to 77.
import Foundation

/// A tokenizer file was missing or malformed.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// Neither vocab.json + merges.txt nor tokenizer.json is in the folder.
    case missingFiles(folder: String)
    /// A vocabulary, merges or config file could not be parsed.
    case invalidFile(path: String, detail: String)
    /// A special token (BOS, EOS, pad) is not in the vocabulary.
    case missingSpecialToken(String, path: String)

    public var description: String {
        switch self {
        case .missingFiles(let folder): return "\(folder): no vocab.json + merges.txt or tokenizer.json"
        case .invalidFile(let path, let detail): return "\(path): \(detail)"
        case .missingSpecialToken(let token, let path): return "\(path): special token \(token) is not in the vocabulary"
        }
    }
}

/// CLIP's BPE tokenizer.
public struct CLIPTokenizer: Sendable {
    /// Token string → id.
    public let vocabulary: [String: Int]
    /// Merge pair → rank (lower merges first).
    private let mergeRanks: [String: Int]
    /// Sequence length of `encode` (77 for Stable Diffusion).
    public let maxLength: Int
    public let bosToken: Int
    public let eosToken: Int
    /// The id sequences are padded with (SD-1.x: `<|endoftext|>`; SD-2.x: `!`).
    public let padToken: Int

    static let bos = "<|startoftext|>"
    static let eos = "<|endoftext|>"
    private static let byteEncoder: [Character] = CLIPTokenizer.makeByteEncoder()

    /// A tokenizer from a vocabulary and ranked merges (`"a b"` pairs, first = highest priority).
    public init(
        vocabulary: [String: Int], merges: [(String, String)], maxLength: Int = 77,
        padToken: String = "<|endoftext|>", source: String = "vocabulary"
    ) throws {
        func id(_ token: String) throws -> Int {
            guard let id = vocabulary[token] else { throw TokenizerError.missingSpecialToken(token, path: source) }
            return id
        }
        self.vocabulary = vocabulary
        var ranks: [String: Int] = [:]
        for (rank, pair) in merges.enumerated() where ranks[pair.0 + " " + pair.1] == nil {
            ranks[pair.0 + " " + pair.1] = rank
        }
        self.mergeRanks = ranks
        self.maxLength = maxLength
        self.bosToken = try id(CLIPTokenizer.bos)
        self.eosToken = try id(CLIPTokenizer.eos)
        self.padToken = try id(padToken)
    }

    /// Loads a diffusers `tokenizer/` folder: `vocab.json` + `merges.txt` (or `tokenizer.json`), and
    /// the pad token and maximum length of `tokenizer_config.json` when present.
    public init(folder: URL) throws {
        let manager = FileManager.default
        let configPath = folder.appendingPathComponent("tokenizer_config.json").path
        var maxLength = 77, pad = CLIPTokenizer.eos
        if let data = manager.contents(atPath: configPath) {
            guard let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw TokenizerError.invalidFile(path: configPath, detail: "not a JSON object")
            }
            if let length = config["model_max_length"] as? NSNumber, length.doubleValue < 1e6 { maxLength = length.intValue }
            if let token = config["pad_token"] as? String {
                pad = token
            } else if let token = (config["pad_token"] as? [String: Any])?["content"] as? String {
                pad = token
            }
        }
        let vocabPath = folder.appendingPathComponent("vocab.json").path
        let mergesPath = folder.appendingPathComponent("merges.txt").path
        let tokenizerPath = folder.appendingPathComponent("tokenizer.json").path
        if manager.fileExists(atPath: vocabPath), manager.fileExists(atPath: mergesPath) {
            let vocabulary = try CLIPTokenizer.readVocabulary(jsonObjectAt: vocabPath) { $0 }
            let merges = try CLIPTokenizer.readMerges(path: mergesPath)
            try self.init(vocabulary: vocabulary, merges: merges, maxLength: maxLength, padToken: pad, source: vocabPath)
        } else if manager.fileExists(atPath: tokenizerPath) {
            var merges: [(String, String)] = []
            let vocabulary = try CLIPTokenizer.readVocabulary(jsonObjectAt: tokenizerPath) { root in
                guard let model = root["model"] as? [String: Any], let vocab = model["vocab"] else { return nil }
                for entry in model["merges"] as? [Any] ?? [] {
                    if let line = entry as? String, let pair = CLIPTokenizer.pair(line) {
                        merges.append(pair)
                    } else if let parts = entry as? [String], parts.count == 2 {
                        merges.append((parts[0], parts[1]))
                    }
                }
                return vocab
            }
            try self.init(vocabulary: vocabulary, merges: merges, maxLength: maxLength, padToken: pad, source: tokenizerPath)
        } else {
            throw TokenizerError.missingFiles(folder: folder.path)
        }
    }

    /// `[BOS] tokens [EOS] [pad …]`, truncated and padded to exactly `maxLength` ids.
    public func encode(_ text: String) -> [Int] {
        let body = tokens(text).prefix(Swift.max(0, maxLength - 2))
        let ids = [bosToken] + body + [eosToken]
        return ids + Array(repeating: padToken, count: Swift.max(0, maxLength - ids.count))
    }

    /// The BPE ids of `text` without special tokens, padding or truncation.
    public func tokens(_ text: String) -> [Int] {
        var ids: [Int] = []
        for piece in CLIPTokenizer.pretokenize(CLIPTokenizer.normalize(text)) {
            if piece == CLIPTokenizer.bos || piece == CLIPTokenizer.eos, let id = vocabulary[piece] {
                ids.append(id)
                continue
            }
            let symbols = String(piece.utf8.map { CLIPTokenizer.byteEncoder[Int($0)] })
            for token in bytePairEncode(symbols) {
                ids.append(vocabulary[token] ?? eosToken)  // unknown symbols map to <|endoftext|>, CLIP's unk
            }
        }
        return ids
    }

    /// NFC, runs of whitespace to one space, lowercase (transformers' CLIP normaliser).
    static func normalize(_ text: String) -> String {
        var out = ""
        var inSpace = false
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                inSpace = false
            }
        }
        return out.lowercased()
    }

    /// CLIP's pattern, leftmost alternative first at each position:
    /// `<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`.
    static func pretokenize(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [String] = []
        var i = 0
        func matches(_ literal: String, at position: Int) -> Bool {
            let target = Array(literal.unicodeScalars)
            return position + target.count <= scalars.count && Array(scalars[position..<position + target.count]) == target
        }
        while i < scalars.count {
            if let literal = ([bos, eos] + ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]).first(where: { matches($0, at: i) }) {
                pieces.append(literal)
                i += literal.unicodeScalars.count
                continue
            }
            let scalar = scalars[i]
            var end = i + 1
            if isLetter(scalar) {
                while end < scalars.count, isLetter(scalars[end]) { end += 1 }
            } else if isNumber(scalar) {
                // a single digit
            } else if !scalar.properties.isWhitespace {
                while end < scalars.count, !isLetter(scalars[end]), !isNumber(scalars[end]), !scalars[end].properties.isWhitespace {
                    end += 1
                }
            } else {
                i += 1
                continue
            }
            var piece = ""
            piece.unicodeScalars.append(contentsOf: scalars[i..<end])
            pieces.append(piece)
            i = end
        }
        return pieces
    }

    /// The BPE tokens of one pre-tokenised word written in byte-level symbols.
    private func bytePairEncode(_ word: String) -> [String] {
        var symbols = word.map(String.init)
        guard !symbols.isEmpty else { return [] }
        symbols[symbols.count - 1] += "</w>"
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)? = nil
            for i in 0..<(symbols.count - 1) {
                if let rank = mergeRanks[symbols[i] + " " + symbols[i + 1]], rank < (best?.rank ?? Int.max) {
                    best = (rank, i)
                }
            }
            guard let best else { break }
            let first = symbols[best.index], second = symbols[best.index + 1]
            var merged: [String] = []
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count, symbols[i] == first, symbols[i + 1] == second {
                    merged.append(first + second)
                    i += 2
                } else {
                    merged.append(symbols[i])
                    i += 1
                }
            }
            symbols = merged
        }
        return symbols
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    private static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// GPT-2's reversible map from bytes to printable characters (printable Latin-1 bytes map to
    /// themselves, the rest to U+0100 onwards).
    private static func makeByteEncoder() -> [Character] {
        let printable = Array(33...126) + Array(161...172) + Array(174...255)
        var table = [Character](repeating: " ", count: 256)
        var next = 256
        for byte in 0..<256 {
            if printable.contains(byte) {
                table[byte] = Character(Unicode.Scalar(UInt8(byte)))
            } else {
                table[byte] = Character(Unicode.Scalar(UInt32(next))!)
                next += 1
            }
        }
        return table
    }

    /// A merges.txt line `a b` as a pair.
    private static func pair(_ line: String) -> (String, String)? {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }

    /// The `token → id` object found by `select` in the JSON file at `path`.
    private static func readVocabulary(
        jsonObjectAt path: String, select: ([String: Any]) -> Any?
    ) throws -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: path),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw TokenizerError.invalidFile(path: path, detail: "not a JSON object") }
        guard let object = select(root) as? [String: Any] else {
            throw TokenizerError.invalidFile(path: path, detail: "no token → id vocabulary")
        }
        var vocabulary: [String: Int] = [:]
        for (token, value) in object {
            guard let id = (value as? NSNumber)?.intValue else {
                throw TokenizerError.invalidFile(path: path, detail: "token \(token) has no integer id")
            }
            vocabulary[token] = id
        }
        return vocabulary
    }

    /// The merges of a merges.txt (an optional `#version` line, then one `a b` pair per line).
    private static func readMerges(path: String) throws -> [(String, String)] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.invalidFile(path: path, detail: "not readable as UTF-8")
        }
        var merges: [(String, String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || (number == 0 && line.hasPrefix("#version")) { continue }
            guard let pair = pair(String(line)) else {
                throw TokenizerError.invalidFile(path: path, detail: "line \(number + 1) is not a pair of symbols")
            }
            merges.append(pair)
        }
        return merges
    }
}
