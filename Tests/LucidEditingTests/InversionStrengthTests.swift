/// The inversion strength picks the step sampling starts at: DragDiffusion's 35 of 50 by default,
/// method.md's z_T at 1, never past the last step.
import LucidEditing
import XCTest

final class InversionStrengthTests: XCTestCase {
    func testTheStartStepIsTheScheduleLessTheInvertedShare() throws {
        var options = EditingOptions()
        XCTAssertEqual(options.startStep, 15, "0.7 of 50 steps: sampling starts at step 15")
        options.inversionStrength = 1
        XCTAssertEqual(options.startStep, 0)
        options.steps = 10
        options.inversionStrength = 0.25
        XCTAssertEqual(options.startStep, 7, "2.5 steps round up to 3 inverted")
        options.inversionStrength = 0.01
        XCTAssertEqual(options.startStep, 9, "at least the last step is sampled")
        try options.validate()
    }

    func testAStrengthOutsideZeroToOneIsRefusedByName() {
        for bad: Float in [0, -0.5, 1.5, .nan, .infinity, 1e30] {
            var options = EditingOptions()
            options.inversionStrength = bad
            XCTAssertTrue((0..<options.steps).contains(options.startStep), "\(bad) still names a step")
            XCTAssertThrowsError(try options.validate()) { error in
                XCTAssertTrue("\(error)".contains("inversion_strength"), "\(error)")
            }
        }
    }
}
