import XCTest
@testable import LucidTensor

final class SmokeTests: XCTestCase {
    func testBuilds() throws {
        let t = try Tensor(shape: [2], values: [1, 2])
        XCTAssertEqual(t.sum().scalars, [3])
    }
}
