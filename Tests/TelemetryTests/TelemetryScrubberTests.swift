@testable import Telemetry
import FileFormats
import XCTest

final class TelemetryScrubberTests: XCTestCase {
    func scrubbed(_ s: String) -> String { Scrubber.scrub(s).text }

    /// Every kind has positives in the labelled set, and each is found with the right placeholder.
    func testEachRuleFindsItsPositives() {
        for kind in ScrubKind.allCases {
            let cases = ScrubLabelledSet.positives.filter { $0.kind == kind }
            XCTAssertGreaterThanOrEqual(cases.count, 2, "\(kind) needs positives")
            for c in cases {
                let out = scrubbed(c.text)
                XCTAssertFalse(out.contains(c.secret!), "\(kind) left \(c.secret!) in \(out)")
                XCTAssertTrue(out.contains(kind.placeholder), "\(kind) missing in \(out)")
            }
        }
    }

    func testLookalikesAreUntouched() {
        for c in ScrubLabelledSet.lookalikes { XCTAssertEqual(scrubbed(c.text), c.text) }
    }

    func testRecallAndFalsePositiveTargets() {
        let r = ScrubLabelledSet.evaluate()
        XCTAssertGreaterThanOrEqual(r.recall, 0.95)
        XCTAssertLessThanOrEqual(r.falsePositiveRate, 0.01)
    }

    func testEmail() {
        XCTAssertEqual(scrubbed("mail ann.lee@uni.edu now"), "mail <EMAIL> now")
        XCTAssertEqual(scrubbed("y = x@w.T"), "y = x@w.T")
        XCTAssertEqual(scrubbed("git@github.com:a/b.git"), "git@github.com:a/b.git")
        XCTAssertEqual(scrubbed("@decorator"), "@decorator")
    }

    func testIPAddresses() {
        XCTAssertEqual(scrubbed("host 10.1.2.3:80"), "host <IP_ADDRESS>:80")
        XCTAssertEqual(scrubbed("1.2.3.4.5"), "1.2.3.4.5")
        XCTAssertEqual(scrubbed("256.1.1.1"), "256.1.1.1")
        XCTAssertEqual(scrubbed("127.0.0.1 and ::1"), "127.0.0.1 and ::1")
        XCTAssertEqual(scrubbed("version 1.2.3.4"), "version 1.2.3.4")
        XCTAssertEqual(scrubbed("[2a00:1450:4001:82b::200e]:443"), "[<IP_ADDRESS>]:443")
        XCTAssertEqual(scrubbed("x[::2] t='10:20:30'"), "x[::2] t='10:20:30'")
    }

    func testKeysAndTokens() {
        XCTAssertEqual(scrubbed("k=AKIAQ3EGRT5YHJ7KXW2M;"), "k=<KEY>;")
        XCTAssertEqual(scrubbed("AKIAQ3EGRT5YHJ7KXW2"), "AKIAQ3EGRT5YHJ7KXW2", "19 characters is not a key id")
        XCTAssertEqual(scrubbed("t = 'ghp_" + String(repeating: "a1", count: 18) + "'"), "t = '<KEY>'")
        XCTAssertEqual(scrubbed("ghp_short"), "ghp_short")
        XCTAssertEqual(scrubbed("Authorization: Bearer abcdefghij0123456789xyz"), "Authorization: Bearer <KEY>")
    }

    func testPrivateKeyBlockCutOffRunsToEnd() {
        XCTAssertEqual(scrubbed("k = '''-----BEGIN RSA PRIVATE KEY-----\nMIIabc"), "k = '''<PRIVATE_KEY>")
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
        XCTAssertEqual(scrubbed(cert), cert)
    }

    func testJWT() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        XCTAssertEqual(scrubbed("t=\(jwt)&x=1"), "t=<JWT>&x=1")
    }

    func testPasswords() {
        XCTAssertEqual(scrubbed("postgres://u:pw123@h/db"), "postgres://u:<PASSWORD>@h/db")
        XCTAssertEqual(scrubbed("https://user@host/path"), "https://user@host/path")
        XCTAssertEqual(scrubbed("Server=x;Password=abc123;"), "Server=x;Password=<PASSWORD>;")
        XCTAssertEqual(scrubbed("password = \"hunter22\""), "password = \"<PASSWORD>\"")
        XCTAssertEqual(scrubbed("password = input()"), "password = input()")
        XCTAssertEqual(scrubbed("if password == \"x\":"), "if password == \"x\":")
    }

    func testSecretAssignmentsNeedRandomLookingValues() {
        XCTAssertEqual(scrubbed("API_KEY = 'a8f5f167f44f4964e6c998dee827110c'"), "API_KEY = '<SECRET>'")
        XCTAssertEqual(scrubbed("API_KEY = 'aaaaaaaaaaaaaaaaaaaa11'"), "API_KEY = 'aaaaaaaaaaaaaaaaaaaa11'")
        XCTAssertEqual(scrubbed("sha = 'a8f5f167f44f4964e6c998dee827110c'"), "sha = 'a8f5f167f44f4964e6c998dee827110c'")
    }

    func testHomeDirectories() {
        XCTAssertEqual(scrubbed("/home/alice/x.py"), "/home/<USER>/x.py")
        XCTAssertEqual(scrubbed("C:\\Users\\Bob\\x"), "C:\\Users\\<USER>\\x")
        XCTAssertEqual(scrubbed("/Users/Shared/x"), "/Users/Shared/x")
        XCTAssertEqual(scrubbed("https://example.com/home/page"), "https://example.com/home/page")
    }

    func testOverlapsMergeToTheStrongerKind() {
        let spans = Scrubber.merge([ScrubSpan(0, 10, .email), ScrubSpan(5, 20, .key), ScrubSpan(30, 35, .user)])
        XCTAssertEqual(spans, [ScrubSpan(0, 20, .key), ScrubSpan(30, 35, .user)])
    }

    func testSegmentsKeepASecretCutByTheCursor() {
        let r = Scrubber.scrub(segments: ["token = 'AKIAQ3EG", "RT5YHJ7KXW2M'\n", "print(1)"])
        XCTAssertEqual(r.segments, ["token = '<KEY>", "'\n", "print(1)"])
    }

    func testEventScrubHashesIdsAndRecomputesPartialLength() {
        var e = TelemetryValidationTests.event(outcome: .partial, suggestion: "send('bob@example.com')\nx = 1", acceptedLength: 24)
        e.edited = "send('bob@example.com')"
        e.path = "home/carol/src/a.py"
        let key = Data("k".utf8)
        let (s, counts) = Scrubber(idKey: key).scrub(e)
        XCTAssertEqual(s.suggestion, "send('<EMAIL>')\nx = 1")
        XCTAssertEqual(s.acceptedText, "send('<EMAIL>')\n")
        XCTAssertEqual(s.edited, "send('<EMAIL>')")
        XCTAssertEqual(counts[.email], 2)
        XCTAssertEqual(s.scrubbed, true)
        XCTAssertEqual(s.session, Scrubber(idKey: key).pseudonym("s1"))
        XCTAssertEqual(s.session, "h-" + SHA256Digest.keyedHex("s1", key: key).prefix(24))
        XCTAssertNotEqual(Scrubber().pseudonym("s1"), Scrubber().pseudonym("s1"), "random per-run keys differ")
        XCTAssertNil(TelemetryValidator.semanticProblem(s))
    }
}

final class TelemetryScrubPartialEdgeTests: XCTestCase {
    func partial(_ prefix: String, _ suggestion: String, _ k: Int) -> TelemetryEvent {
        var e = TelemetryValidationTests.event(outcome: .partial, suggestion: suggestion, acceptedLength: k)
        e.prefix = prefix
        return e
    }

    func testKeptPartInsideASecretStartedInThePrefix() {
        let (s, _) = Scrubber(idKey: Data("k".utf8)).scrub(partial("KEY = \"AKIAQ3EG", "RT5YHJ7KXW2M\"\nx = 1", 5))
        XCTAssertEqual(s.prefix, "KEY = \"<KEY>")
        XCTAssertEqual(s.suggestion, "\"\nx = 1")
        XCTAssertEqual(s.outcome, .rejected, "nothing of the kept text survives")
        XCTAssertNil(TelemetryValidator.semanticProblem(s))
    }

    func testSecretCoveringTheRestMakesItAccepted() {
        let (s, _) = Scrubber(idKey: Data("k".utf8)).scrub(partial("k = ", "AKIAQ3EGRT5YHJ7KXW2M", 4))
        XCTAssertEqual(s.suggestion, "<KEY>")
        XCTAssertEqual(s.outcome, .accepted)
        XCTAssertNil(TelemetryValidator.semanticProblem(s))
    }

    func testOrdinaryPartialKeepsItsLength() {
        let (s, _) = Scrubber(idKey: Data("k".utf8)).scrub(partial("x = ", "mail('a@b.io')\nmore", 15))
        XCTAssertEqual(s.suggestion, "mail('<EMAIL>')\nmore")
        XCTAssertEqual(s.acceptedText, "mail('<EMAIL>')\n")
    }
}

final class TelemetryScrubHeldOutTests: XCTestCase {
    /// The held-out cases (never tuned on) together with the main set still meet the targets.
    func testAllCasesTogether() {
        let r = ScrubLabelledSet.evaluate(positives: ScrubLabelledSet.positives + ScrubLabelledSet.heldOutPositives,
                                          lookalikes: ScrubLabelledSet.lookalikes + ScrubLabelledSet.heldOutLookalikes)
        XCTAssertGreaterThanOrEqual(r.recall, 0.95)
        XCTAssertLessThanOrEqual(r.falsePositiveRate, 0.01)
    }
}
