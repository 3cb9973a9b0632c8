/// The contract's SamplingOptions as the method's options: an unset field keeps the default, a set one
/// (0 included) is used as given.
import LucidEditing
import LucidProto
import LucidSamplerService
import XCTest

final class SamplingOptionsTests: XCTestCase {
    func testTheContractsFieldSetsSemanticSteps() {
        var message = Lucid_V1_SamplingOptions()
        XCTAssertEqual(EditingOptions(message).semanticSteps, EditingOptions().semanticSteps, "unset keeps the default")
        message.semanticSteps = 0
        let off = EditingOptions(message)
        XCTAssertEqual(off.semanticSteps, 0)
        XCTAssertFalse((0..<off.steps).contains(where: off.isSemanticStep), "0 = no semantic guidance")
    }
}
