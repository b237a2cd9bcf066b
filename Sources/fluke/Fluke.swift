import ArgumentParser

@main
struct Fluke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluke",
        abstract: "Find what separates false positives from true positives among resampled LLM code.",
        subcommands: [])
}
