/// The identity of a model folder's weights: its exact value on a small folder (computed
/// independently in Python), its stability on the demo model, and its sensitivity to one byte.
import Foundation
import LucidModels
import XCTest

final class ModelIdentityTests: XCTestCase {
    func testTheIdentityHashesEveryWeightFileWithItsRelativePathInByteOrder() throws {
        let folder = try Fixtures.temporaryDirectory().appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("a"), withIntermediateDirectories: true)
        try Data("xyz".utf8).write(to: folder.appendingPathComponent("b.safetensors"))
        try Data([0, 1, 2]).write(to: folder.appendingPathComponent("a/w.safetensors"))
        try Data("{}".utf8).write(to: folder.appendingPathComponent("a/config.json"))
        // Python: h = 0xcbf29ce484222325; for b in b"a/w.safetensors" + bytes([0, 1, 2]) + b"b.safetensors" + b"xyz":
        //     h = ((h ^ b) * 0x100000001b3) % 2**64
        XCTAssertEqual(try ModelIdentity(folder: folder).description, "tiny@52d8eaa08beb3864")
    }

    func testTheDemoModelsIdentityIsStable() throws {
        let first = try ModelIdentity(folder: Fixtures.demoModel)
        XCTAssertEqual(try ModelIdentity(folder: Fixtures.demoModel), first)
        // The same hash in Python over the four weight files of the shipped folder.
        XCTAssertEqual(first.description, "demo-world@b4a0c66ecb571d55")
    }

    func testChangingOneWeightByteChangesTheIdentityAndConfigurationFilesDoNot() throws {
        let copy = try Fixtures.temporaryDirectory().appendingPathComponent("demo-world")
        try FileManager.default.copyItem(at: Fixtures.demoModel.resolvingSymlinksInPath(), to: copy)
        let original = try ModelIdentity(folder: copy)
        XCTAssertEqual(original, try ModelIdentity(folder: Fixtures.demoModel))

        try Data("{\"changed\": true}".utf8).write(to: copy.appendingPathComponent("discriminator/config.json"))
        XCTAssertEqual(try ModelIdentity(folder: copy), original)

        let weights = copy.appendingPathComponent("discriminator/diffusion_pytorch_model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: weights)
        let changed = try ModelIdentity(folder: copy)
        XCTAssertEqual(changed.folderName, "demo-world")
        XCTAssertNotEqual(changed.digest, original.digest)
    }

    func testAFolderWithoutWeightsOrThatDoesNotExistIsRefusedByPath() throws {
        let empty = try Fixtures.temporaryDirectory()
        XCTAssertThrowsError(try ModelIdentity(folder: empty)) { error in
            XCTAssertEqual(error as? ModelIdentityError, .noWeights(folder: empty.standardizedFileURL.path))
        }
        let missing = empty.appendingPathComponent("missing")
        XCTAssertThrowsError(try ModelIdentity(folder: missing)) { error in
            XCTAssertEqual(error as? ModelIdentityError, .notAFolder(path: missing.standardizedFileURL.path))
        }
    }
}
