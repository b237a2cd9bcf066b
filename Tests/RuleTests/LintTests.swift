import Candidates
import Configuration
import Foundation
import Lint
import LintOutput
import Rules
import SyntaxTree
import Testing

/// A rule written in the test, as a user would write one in their own rule folder.
func rule(_ code: String, query: String, message: String = "found {name}", severity: Severity = .convention,
          profiles: [String] = ["test"], options: [RuleOption] = []) -> Rule {
    Rule(code: code, name: "test-\(code.lowercased())", category: "test", origin: "fluke", severity: severity,
         profiles: profiles, enabledByDefault: true, message: message, summary: "A test rule.",
         rationale: "Tests need it.", options: options, references: [], check: .query(query),
         passing: [RuleExample("x = 1\n", line: 1)], failing: [RuleExample("↓y = 1\n", line: 1)], file: "test.yaml")
}

let camel = rule("TST001", query: #"(function_definition name: (identifier) @name (#match? @name "[A-Z]"))"#)
let prints = rule("TST002", query: #"(call function: (identifier) @name (#eq? @name "print")) @report"#,
                  message: "a call of {name}", severity: .warning, profiles: ["test", "other"])

@Suite struct LinterTests {
    let parser = try! PythonParser()

    @Test func queryRulesReportAtTheirCaptureWithTheMessageFilledIn() throws {
        let linter = try Linter(rules: [camel, prints])
        let f = linter.findings(in: try parser.parse("def fooBar():\n    print(1)\n"))
        #expect(f.map(\.code) == ["TST001", "TST002"])
        #expect(f[0].message == "found fooBar" && f[0].start == Location(line: 1, column: 5))
        #expect(f[1].message == "a call of print" && f[1].start == Location(line: 2, column: 5))
        #expect(f[1].end == Location(line: 2, column: 13))
    }

    @Test func noqaSuppressesAsFlake8AndRuffDo() throws {
        let linter = try Linter(rules: [camel, prints])
        let source = """
            def aB():  # noqa
                print(1)  # noqa: TST002
            def cD():  # NOQA:TST002
                print(2)  # noqa: TST0
            def eF():  # noqa: E501, TST001
                print(3)

            """
        let f = linter.findings(in: try parser.parse(source))
        #expect(f.map { "\($0.code)@\($0.start.line)" } == ["TST001@3", "TST002@6"])
    }

    @Test func syntaxErrorsStillGetTheOtherRules() throws {
        let catalog = try RuleCatalog.builtin()
        let linter = try Linter(rules: [catalog["E999"]!, camel, prints])
        let f = linter.findings(in: try parser.parse("def fooBar():\n    print(1\n\ndef ok():\n    return 2\n"))
        #expect(f.contains { $0.code == "E999" })
        #expect(f.contains { $0.code == "TST001" && $0.start.line == 1 })
    }

    @Test func adherenceProfilesAndPylintScore() throws {
        let linter = try Linter(rules: [camel, prints])
        let candidate = Candidate(id: CandidateID(path: "a.py"), text: "def fooBar():\n    print(1)\n    return 2\n")
        let r = linter.lint(candidate, tree: try parser.parse(candidate.text))
        #expect(r.adherence == ["TST001": false, "TST002": false])
        #expect(r.profiles == ["test": false, "other": false])
        // 3 statements (def, expression, return); one convention and one warning: 10 - 10*2/3.
        #expect(r.statements == 3)
        #expect(abs(r.score - (10 - 20.0 / 3)) < 1e-12)
        let clean = Candidate(id: CandidateID(path: "b.py"), text: "def foo():\n    return 2\n")
        let c = linter.lint(clean, tree: try parser.parse(clean.text))
        #expect(c.adherence.values.allSatisfy { $0 } && c.score == 10)
        // An error weighs 5: floored at 0.
        #expect(Scoring.score([Finding(code: "E999", message: "", severity: .error, start: .init(line: 1, column: 1),
                                       end: .init(line: 1, column: 1))], statements: 2) == 0)
    }

    @Test func findingsInThePromptAreMarkedAndLeftOutOfAdherence() throws {
        let linter = try Linter(rules: [camel, prints])
        let prompt = "def fooBar(x):\n    \"\"\"Doc.\"\"\"\n"
        let candidate = Candidate(id: CandidateID(taskID: "T/0", path: "s.jsonl"), text: prompt + "    return x\n",
                                  promptByteCount: prompt.utf8.count)
        let r = linter.lint(candidate, tree: try parser.parse(candidate.text))
        #expect(r.findings.map(\.inPrompt) == [true])
        #expect(r.adherence["TST001"] == true)
        let withPrompt = linter.lint(candidate, tree: try parser.parse(candidate.text), includePrompt: true)
        #expect(withPrompt.adherence["TST001"] == false)
    }

    /// A finding about a function's body sits on its name, which is in the prompt, but the
    /// model wrote the body: it counts. Too many arguments is the signature's: it does not.
    /// Comment density measures only the lines the model wrote.
    @Test func bodyFindingsCountWhenTheModelWroteTheBody() throws {
        let catalog = try RuleCatalog.builtin()
        let linter = try Linter(rules: ["FLP004", "PLR0911", "PLR0913", "FLP005"].map { catalog[$0]! },
                                options: ["FLP004": ["max-function-length": .int(3)], "PLR0913": ["max-args": .int(2)],
                                          "PLR0911": ["max-returns": .int(2)]])
        let prompt = "def f(a, b, c):\n    \"\"\"Doc.\n\n    More doc.\n    \"\"\"\n"
        let body = "    if a:  # first\n        return 1  # one\n    if b:  # second\n        return 2  # two\n"
            + "    return 3  # three\n"
        let candidate = Candidate(id: CandidateID(taskID: "T/0", path: "s.jsonl"), text: prompt + body,
                                  promptByteCount: prompt.utf8.count)
        let r = linter.lint(candidate, tree: try parser.parse(candidate.text))
        let byCode = Dictionary(grouping: r.findings, by: \.code)
        #expect(byCode["FLP004"]?.map(\.inPrompt) == [false])
        #expect(byCode["PLR0911"]?.map(\.inPrompt) == [false])
        #expect(byCode["PLR0913"]?.map(\.inPrompt) == [true])
        // 5 model lines, each with a comment; the prompt's 5 uncommented lines do not count.
        #expect(byCode["FLP005"] == nil)
        #expect(r.adherence["FLP004"] == false && r.adherence["PLR0913"] == true && r.adherence["FLP005"] == true)
        // Without its comments the body breaks FLP005, reported at the model's first line.
        let bare = Candidate(id: candidate.id, text: prompt + "    return a\n", promptByteCount: prompt.utf8.count)
        let b = linter.lint(bare, tree: try parser.parse(bare.text))
        #expect(b.findings.filter { $0.code == "FLP005" }.map { ($0.start.line, $0.inPrompt) }.first! == (6, false))
        // All in the prompt: the prompt's finding.
        let whole = Candidate(id: candidate.id, text: prompt + body, promptByteCount: (prompt + body).utf8.count)
        #expect(linter.lint(whole, tree: try parser.parse(whole.text)).findings.allSatisfy(\.inPrompt))
    }

    @Test func aBrokenQueryInARuleFileNamesTheFileAndLine() throws {
        let dir = NSTemporaryDirectory() + "fluke-rules-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/mine", withIntermediateDirectories: true)
        let yaml = """
            code: TST100
            name: broken
            origin: fluke
            severity: convention
            message: broken
            summary: A rule whose query does not compile.
            rationale: To see the error it gives.
            check:
              query: |
                (function_definition
                  nme: (identifier) @name)
            examples:
              pass: ["x = 1\n"]
              fail: ["↓def f(): pass\n"]

            """
        _ = FileManager.default.createFile(atPath: dir + "/mine/TST100.yaml", contents: Data(yaml.utf8))
        let catalog = try RuleCatalog.load(directories: [dir])
        do {
            _ = try Linter(rules: catalog.rules)
            Issue.record("expected an error")
        } catch {
            #expect(error.file == dir + "/mine/TST100.yaml")
            #expect(error.line == 11)
            #expect(error.message.contains("does not compile"))
        }
        // A query that reads well but can never match in the grammar: a rule outside Fluke's
        // own folder is checked by tree-sitter as it loads, so this is an error too.
        let impossible = yaml.replacingOccurrences(of: "(function_definition\n      nme: (identifier) @name)",
                                                   with: "(identifier\n      (string) @name)")
        #expect(impossible != yaml)
        _ = FileManager.default.createFile(atPath: dir + "/mine/TST100.yaml", contents: Data(impossible.utf8))
        do {
            _ = try Linter(rules: try RuleCatalog.load(directories: [dir]).rules)
            Issue.record("expected an error")
        } catch {
            #expect(error.file == dir + "/mine/TST100.yaml")
            #expect(error.message.contains("does not compile"))
        }
        // A YAML mistake is reported at its line too.
        _ = FileManager.default.createFile(atPath: dir + "/mine/TST100.yaml", contents: Data("code: TST100\nname: [x\n".utf8))
        #expect(throws: RuleError.self) { try RuleCatalog.load(directories: [dir]) }
        _ = FileManager.default.createFile(atPath: dir + "/mine/TST100.yaml", contents: Data((yaml + "colour: red\n").utf8))
        do {
            _ = try RuleCatalog.load(directories: [dir])
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 17)
            #expect(error.message.contains("unknown key `colour`"))
        }
    }

    @Test func optionsReachQueriesAndMessages() throws {
        let r = rule("TST003", query: #"(function_definition name: (identifier) @name (#match? @name "^({prefixes})"))"#,
                     message: "{name} starts with one of {prefixes}",
                     options: [RuleOption(name: "prefixes", defaultValue: .strings(["get", "set"]), description: "")])
        let source = try parser.parse("def get_a(): pass\ndef set_b(): pass\ndef do_c(): pass\n")
        #expect(try Linter(rules: [r]).findings(in: source).count == 2)
        let only = try Linter(rules: [r], options: ["TST003": ["prefixes": .strings(["do"])]]).findings(in: source)
        #expect(only.map { $0.start.line } == [3])
        #expect(only.first?.message == "do_c starts with one of do")
    }
}

@Suite struct ConfigurationTests {
    let catalog = try! RuleCatalog(rules: [camel, prints, rule("TST010", query: "(identifier) @name", profiles: [])])

    func write(_ files: [String: String]) -> String {
        let dir = NSTemporaryDirectory() + "fluke-config-" + UUID().uuidString
        for (name, text) in files {
            let path = dir + "/" + name
            try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        }
        return dir
    }

    @Test func discoveryWalksUpAndPrefersFlukeToml() throws {
        let dir = write([
            "pyproject.toml": "[tool.fluke]\nselect = [\"TST001\"]\n",
            "a/b/placeholder": "",
            "c/pyproject.toml": "[project]\nname = \"x\"\n",
            "d/fluke.toml": "select = [\"TST002\"]\n",
            "d/pyproject.toml": "[tool.fluke]\nselect = [\"TST001\"]\n",
        ])
        #expect(try Configuration.discover(from: dir + "/a/b")?.select == ["TST001"])
        // A pyproject.toml without [tool.fluke] is passed over.
        #expect(try Configuration.discover(from: dir + "/c")?.file == dir + "/pyproject.toml")
        #expect(try Configuration.discover(from: dir + "/d")?.select == ["TST002"])
    }

    @Test func selectIgnoreExtendSelectByCodePrefixAndProfile() throws {
        func codes(_ c: Configuration) throws -> [String] { try c.resolve(catalog).rules.map(\.code) }
        var c = Configuration()
        #expect(try codes(c) == ["TST001", "TST002", "TST010"])
        c.select = ["TST00"]
        #expect(try codes(c) == ["TST001", "TST002"])
        c.ignore = ["TST0"]
        #expect(try codes(c) == ["TST001", "TST002"])  // the more specific selector wins
        c.ignore = ["TST00"]
        c.extendSelect = ["TST010"]
        #expect(try codes(c) == ["TST010"])  // a tie goes to ignore; a full code beats a prefix
        c = Configuration()
        c.select = ["other"]
        #expect(try codes(c) == ["TST002"])
        c.profiles = ["mine": ["TST001", "TST010"]]
        c.select = ["mine"]
        #expect(try codes(c) == ["TST001", "TST010"])
    }

    @Test func unknownCodesKeysAndOptionsAreErrorsNamingTheKeyAndFile() throws {
        let dir = write([
            "bad-key/fluke.toml": "selct = [\"E\"]\n",
            "bad-code/fluke.toml": "select = [\"ZZZ9\"]\n",
            "bad-option/fluke.toml": "[options.TST001]\nmax = 3\n",
            "bad-toml/fluke.toml": "select = [\n",
            "bad-type/pyproject.toml": "[tool.fluke]\nselect = \"E\"\n",
        ])
        func message(_ sub: String) -> String {
            do {
                let c = try Configuration.discover(from: dir + "/" + sub)!
                _ = try c.resolve(catalog)
                return "no error"
            } catch { return error.description }
        }
        #expect(message("bad-key").contains("fluke.toml: `selct`: unknown key"))
        #expect(message("bad-code").contains("`select`: unknown rule code, prefix or profile `ZZZ9`"))
        #expect(message("bad-option").contains("`options.TST001.max`: TST001 has no option `max`"))
        #expect(message("bad-toml").contains("fluke.toml:"))
        #expect(message("bad-type").contains("`tool.fluke.select`: must be a list of strings"))
    }

    @Test func optionValuesAreCheckedAgainstTheRule() throws {
        let withOption = try RuleCatalog(rules: [rule("TST004", query: "(identifier) @name",
            options: [RuleOption(name: "max", defaultValue: .int(3), description: "")])])
        var c = Configuration()
        c.options = ["TST004": ["max": .string("many")]]
        #expect(throws: RuleError.self) { try c.resolve(withOption) }
        c.options = ["TST004": ["max": .int(5)]]
        #expect(try c.resolve(withOption).options["TST004"]?["max"] == .int(5))
    }
}

@Suite struct OutputTests {
    let parser = try! PythonParser()

    func results() throws -> [LintResult] {
        let linter = try Linter(rules: [camel, prints])
        let a = Candidate(id: CandidateID(taskID: "T/0", completionID: 3, model: "m", path: "s.jsonl", line: 4),
                          text: "def aB():\n    print(1)\n")
        let b = Candidate(id: CandidateID(path: "clean.py"), text: "x = 1\n")
        return [linter.lint(a, tree: try parser.parse(a.text)), linter.lint(b, tree: try parser.parse(b.text))]
    }

    func render(_ format: LintFormat) throws -> String {
        var out = ""
        let w = LintWriter(format: format, rules: [camel, prints]) { out += $0 }
        for r in try results() { w.add(r) }
        w.finish()
        return out
    }

    @Test func textIsRuffLike() throws {
        let text = try render(.text)
        #expect(text == """
            s.jsonl[T/0#3]:1:5: TST001 found aB
            s.jsonl[T/0#3]:2:5: TST002 a call of print
            Found 2 findings in 1 of 2 candidates.

            """)
    }

    @Test func jsonIsOneArrayOfFindings() throws {
        let data = Data(try render(.json).utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["code"] as? String == "TST001")
        #expect(array[0]["filename"] as? String == "s.jsonl")
        #expect((array[0]["location"] as? [String: Int]) == ["row": 1, "column": 5])
        #expect(array[0]["task_id"] as? String == "T/0" && array[0]["completion_id"] as? Int == 3)
        #expect(array[1]["severity"] as? String == "warning")
    }

    @Test func jsonlIsOneRecordPerCandidate() throws {
        let lines = try render(.jsonl).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["task_id"] as? String == "T/0")
        #expect((first["adherence"] as? [String: Bool]) == ["TST001": false, "TST002": false])
        #expect((first["findings"] as? [Any])?.count == 2)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(second["score"] as? Double == 10)
        #expect(second["path"] as? String == "clean.py")
    }

    @Test func sarifHasTheRequiredShape() throws {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(try render(.sarif).utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "fluke")
        #expect((driver["rules"] as? [[String: Any]])?.map { $0["id"] as? String } == ["TST001", "TST002"])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        #expect(results[1]["ruleId"] as? String == "TST002" && results[1]["ruleIndex"] as? Int == 1)
        #expect(results[1]["level"] as? String == "warning")
        let region = ((results[0]["locations"] as? [[String: Any]])?[0]["physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(region?["startLine"] == 1 && region?["startColumn"] == 5)
    }
}
