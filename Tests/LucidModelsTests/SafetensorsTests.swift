/// The safetensors reader and writer: round trips in every float dtype, and typed errors naming the
/// file and tensor for damaged or unsupported files.
import Foundation
import LucidModels
import LucidTensor
import XCTest

final class SafetensorsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A little-endian 8-byte header length, the header, then `data`.
    private func writeRaw(_ name: String, header: String, data: [UInt8] = []) throws -> String {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: data)
        try bytes.write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func testWrittenTensorsReadBackExactlyInF32AndRoundedInF16AndBF16() throws {
        let a = try Tensor(shape: [2, 3], values: [0, 1, -2.5, 3.14159, 1e-3, -65504])
        let b = try Tensor(shape: [4], values: [0.1, 0.2, 0.3, 100])
        for dtype in [SafetensorsWriter.StorageType.f32, .f16, .bf16] {
            let file = path("round-trip-\(dtype.rawValue).safetensors")
            try SafetensorsWriter.write([("a", a), ("layer.b", b)], to: file, dtype: dtype, metadata: ["format": "pt"])
            let read = try SafetensorsFile(path: file)
            XCTAssertEqual(read.tensorNames, ["a", "layer.b"])
            XCTAssertEqual(read.metadata, ["format": "pt"])
            XCTAssertEqual(read.entries["a"]?.dtype, dtype.rawValue)
            let tolerance: Float = dtype == .f32 ? 0 : (dtype == .f16 ? 1e-3 : 8e-3)
            for (name, original) in [("a", a), ("layer.b", b)] {
                let back = try read.tensor(name)
                XCTAssertEqual(back.shape, original.shape)
                for (x, y) in zip(back.scalars, original.scalars) {
                    XCTAssertLessThanOrEqual(abs(x - y), tolerance * max(1, abs(y)), "\(dtype) \(name)")
                }
            }
        }
    }

    func testTheFixtureF16UNetDecodesToFiniteF32Weights() throws {
        let file = try SafetensorsFile(path: Fixtures.tinySD.appendingPathComponent(
            "unet/diffusion_pytorch_model.fp16.safetensors").path)
        XCTAssertEqual(file.entries["conv_in.weight"]?.dtype, "F16")
        let weight = try file.tensor("conv_in.weight")
        XCTAssertEqual(weight.shape, [32, 4, 3, 3])
        XCTAssertTrue(weight.scalars.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(weight.scalars.map(abs).max() ?? 0, 0)
    }

    func testAMissingFileIsACannotOpenErrorNamingIt() {
        let missing = path("nope.safetensors")
        XCTAssertThrowsError(try SafetensorsFile(path: missing)) { error in
            guard case SafetensorsError.cannotOpen(let file, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, missing)
        }
    }

    func testAFileShorterThanItsHeaderLengthIsTruncated() throws {
        let file = path("short.safetensors")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try SafetensorsFile(path: file)) { error in
            guard case SafetensorsError.truncated(let name, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, file)
        }
    }

    func testAFileCutInsideItsDataIsReportedWithTheTensorName() throws {
        let good = try SafetensorsWriter.encode([("w", Tensor(ones: [4, 4]))])
        let file = path("cut.safetensors")
        try good.prefix(good.count - 10).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try SafetensorsFile(path: file)) { error in
            guard case SafetensorsError.offsetsOutOfRange(let name, let tensor, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, file)
            XCTAssertEqual(tensor, "w")
            XCTAssertTrue("\(error)".contains("'w'"))
        }
    }

    func testAHeaderLengthBeyondTheFileIsTruncated() throws {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(1_000_000).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array("{}".utf8))
        let file = path("long-header.safetensors")
        try bytes.write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try SafetensorsFile(path: file)) { error in
            guard case SafetensorsError.truncated = error else { return XCTFail("\(error)") }
        }
    }

    func testAHeaderThatIsNotJSONIsCorrupt() throws {
        let file = try writeRaw("garbage.safetensors", header: "{\"w\": {\"dtype\": \"F32\", ")
        XCTAssertThrowsError(try SafetensorsFile(path: file)) { error in
            guard case SafetensorsError.corruptHeader(let name, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, file)
        }
    }

    func testAnEntryWithoutOffsetsIsACorruptHeaderNamingTheTensor() throws {
        let file = try writeRaw("no-offsets.safetensors", header: #"{"layer.weight": {"dtype": "F32", "shape": [2]}}"#)
        XCTAssertThrowsError(try SafetensorsFile(path: file)) { error in
            guard case SafetensorsError.corruptHeader(_, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("layer.weight"))
        }
    }

    func testOffsetsThatDisagreeWithTheShapeAreOutOfRange() throws {
        let file = try writeRaw(
            "wrong-size.safetensors", header: #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#,
            data: [UInt8](repeating: 0, count: 8))
        XCTAssertThrowsError(try SafetensorsFile(path: file)) { error in
            guard case SafetensorsError.offsetsOutOfRange(_, "w", _) = error else { return XCTFail("\(error)") }
        }
    }

    func testAnIntegerTensorIsAnUnsupportedDTypeNamingTheTensorWhenRead() throws {
        let file = try writeRaw(
            "ints.safetensors", header: #"{"text_model.embeddings.position_ids": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}"#,
            data: [UInt8](repeating: 0, count: 8))
        let opened = try SafetensorsFile(path: file)
        XCTAssertThrowsError(try opened.tensor("text_model.embeddings.position_ids")) { error in
            XCTAssertEqual(error as? SafetensorsError, .unsupportedDType(
                file: file, tensor: "text_model.embeddings.position_ids", dtype: "I64"))
        }
    }

    func testAskingForAnAbsentTensorNamesIt() throws {
        let file = path("one.safetensors")
        try SafetensorsWriter.write([("a", Tensor(ones: [1]))], to: file)
        XCTAssertThrowsError(try SafetensorsFile(path: file).tensor("b")) { error in
            XCTAssertEqual(error as? SafetensorsError, .missingTensor(file: file, tensor: "b"))
        }
    }
}
