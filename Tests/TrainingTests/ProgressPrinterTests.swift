import Foundation
@testable import Training
import XCTest

final class ProgressPrinterTests: XCTestCase {
    let start = TrainingProgress.stageStarted(.init(stage: "pretrain", index: 0, stageCount: 2, totalSteps: 100, fromStep: 0, tokensPerStep: 1000))
    let step = TrainingProgress.trained(.init(stage: "pretrain", step: 10, stageStep: 10, totalSteps: 100, loss: 5.25, lr: 1e-3,
                                              gradNorm: 0.5, tokens: 10_000, tokensPerSecond: 2000, mfu: 0.125, elapsed: 5))
    let val = TrainingProgress.validated(.init(stage: "pretrain", step: 10, stageStep: 10, loss: 5.5, tokens: 10_000, elapsed: 5, improved: true))

    func output(_ mode: ProgressPrinter.Mode) -> String {
        var text = ""
        let printer = ProgressPrinter(mode: mode) { text += $0 }
        for p in [start, step, val, step] { printer.handle(p) }
        printer.finish()
        return text
    }

    func testPlainLinesWhenNotATerminal() {
        XCTAssertEqual(output(.lines), """
        stage pretrain 1/2: 100 steps × 1000 tokens
        [pretrain 1/2] step 10/100 loss 5.2500 lr 1.00e-03 gnorm 0.50 2000 tok/s mfu 12.5% eta 45s
        [pretrain 1/2] step 10 val loss 5.5000 (best)
        [pretrain 1/2] step 10/100 loss 5.2500 lr 1.00e-03 gnorm 0.50 2000 tok/s mfu 12.5% eta 45s

        """)
    }

    func testLiveBarIsRedrawnInPlaceAndEventsPrintAboveIt() {
        let text = output(.live)
        XCTAssertTrue(text.contains("\r\u{1B}[2K██░░░░░░░░░░░░░░░░░░ [pretrain 1/2] step 10/100"), text)
        // The validation line clears the bar first and ends with a newline; the bar then comes back.
        XCTAssertTrue(text.contains("eta 45s\r\u{1B}[2K[pretrain 1/2] step 10 val loss 5.5000 (best)\n\r\u{1B}[2K██"), text)
        XCTAssertTrue(text.hasSuffix("eta 45s\n"))
    }

    func testQuietPrintsNothing() {
        XCTAssertEqual(output(.quiet), "")
    }
}
