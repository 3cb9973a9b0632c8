// luciddrag-reasoner: a worker of lucid.v1.Reasoner, which turns a drag into intentions with the
// configured backend (built-in, or an OpenAI-compatible server with fallback).
import ArgumentParser
import Foundation
import LucidReasonerService
import LucidService

let options = ReasonerOptions.parseOrExit()
let configuration: ServiceConfiguration
let settings: ReasonerSettings
do {
    configuration = try options.service.configuration(service: ServiceName.reasoner.shortName)
    settings = try options.settings()
} catch let error as ReasonerSettingsError {
    ReasonerOptions.exit(withError: ValidationError(error.description))
} catch {
    ReasonerOptions.exit(withError: error)
}

await ServiceProcess.run(label: "luciddrag.reasoner", configuration: configuration) { logger in
    let worker = ServiceAssembly.worker(.reasoner, endpoint: configuration.bus, workerID: configuration.workerID,
                                        configuration: configuration, logger: logger)
    worker.serveReasoner(with: try settings.makeBackend(logger: logger))
    return [worker]
}
