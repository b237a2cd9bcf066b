import Candidates
import Testing

@Suite struct PromptTests {
    let problem = Problem(taskID: "HumanEval/0", prompt: """
        from typing import List


        def close(numbers: List[float], threshold: float) -> bool:
            \"\"\" Any two numbers closer than threshold?
            >>> close([1.0, 2.0], 0.5)
            False
            \"\"\"

        """, entryPoint: "close")

    func length(_ text: String) -> Int? { problem.promptLength(in: Array(text.utf8)) }

    @Test func exactPromptIsAllOfIt() {
        let text = problem.prompt + "    return False\n"
        #expect(length(text) == problem.prompt.utf8.count)
    }

    @Test func promptWithItsExamplesRemovedStillCounts() {
        // As in EvalPlus's released CodeGen samples: the docstring's doctest lines are gone.
        let prompt = """
            from typing import List


            def close(numbers: List[float], threshold: float) -> bool:  \t
                \"\"\" Any two numbers closer than threshold?
                \"\"\"

            """
        let text = prompt + "    return any(abs(a - b) < threshold for a in numbers for b in numbers)\n"
        #expect(length(text) == prompt.utf8.count)
    }

    @Test func theModelsOwnLinesAreNeverPrompt() {
        // The body starts at once after the signature; `False` appears in the prompt's
        // docstring, but only as a later line there, and the model's line differs anyway.
        let head = "from typing import List\n\n\ndef close(numbers: List[float], threshold: float) -> bool:\n"
        #expect(length(head + "    return False\n") == head.utf8.count)
    }

    @Test func withoutTheEntryPointsSignatureThereIsNoPrompt() {
        #expect(length("from typing import List\n\n\ndef close(numbers, threshold):\n    return False\n") == nil)
        #expect(length("def helper():\n    pass\n") == nil)
        // A prompt without the entry point's definition (MBPP's) counts only as an exact prefix.
        let mbpp = Problem(taskID: "Mbpp/2", prompt: "\"\"\"\nWrite a function.\n\"\"\"\n", entryPoint: "f")
        #expect(mbpp.promptLength(in: Array("\"\"\"\nWrite a function.\n\"\"\"\ndef f(): pass\n".utf8)) == mbpp.prompt.utf8.count)
        #expect(mbpp.promptLength(in: Array("\"\"\"\nWrite it.\n\"\"\"\ndef f(): pass\n".utf8)) == nil)
    }
}
