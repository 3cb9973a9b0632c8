// The embedded mode's handler table, in one place: what each service registers on its worker when
// every service runs in this process (`serve`, `demo`, `edit --embedded`).
import Foundation
import Logging
import LucidBus
import LucidDiscriminatorService
import LucidGatewayService
import LucidReasonerService
import LucidReasoning
import LucidSamplerService
import LucidService

/// Each service's methods in the embedded deployment, given the broker's in-process endpoint;
/// `model` is the diffusers folder the sampler and discriminator serve.
func embeddedHandlers(model: URL) -> [ServiceName: (ServiceWorker, BusEndpoint, Logger) throws -> Void] {
    [
        .gateway: { worker, local, logger in try worker.serveGateway(endpoint: local, logger: logger) },
        .reasoner: { worker, _, _ in worker.serveReasoner(with: BuiltinBackend()) },
        .sampler: { worker, local, _ in try worker.serveSampler(SamplerEngine(modelFolder: model), endpoint: local) },
        .discriminator: { worker, _, _ in worker.serveDiscriminator(try DiscriminatorScorer(folder: model)) },
    ]
}
