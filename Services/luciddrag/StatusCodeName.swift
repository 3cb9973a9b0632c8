// Status codes as the contract spells them (common.proto), for what the commands print and record.
import LucidProto

extension Lucid_V1_StatusCode {
    /// The code's name in the contract: "INVALID_ARGUMENT", "UNAVAILABLE", ….
    var contractName: String {
        "\(self)".reduce(into: "") { name, character in
            if character.isUppercase { name += "_" }
            name += character.uppercased()
        }
    }
}
