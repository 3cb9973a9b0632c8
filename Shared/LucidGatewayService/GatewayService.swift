/// GatewayService: lucid.v1.Gateway.Edit on a ServiceWorker — one drag request in, N ranked edits out,
/// streamed as progress (PARTIAL) and the result (FINAL).
import Logging
import LucidBus
import LucidProto

extension ServiceWorker {
    /// Serves "Edit", calling the reasoner and the samplers through the broker at `endpoint` (the
    /// gateway's own client, made here). Bad requests get INVALID_ARGUMENT naming what to fix; a
    /// reasoner failure fails the call with the reasoner's code; a failed sampler edit is reported
    /// in its RankedEdit's status while the others complete. Throws when its client cannot be made.
    public func serveGateway(
        endpoint: BusEndpoint, settings: GatewaySettings = GatewaySettings(),
        logger: Logger = Logger(label: "lucid.gateway")
    ) throws {
        let client = try RPCClient(endpoint: endpoint, logger: logger)
        register(method: "Edit") { (request: Lucid_V1_GatewayEditRequest, context) -> Lucid_V1_GatewayEditReply in
            var reply = Lucid_V1_GatewayEditReply()
            reply.result = try await GatewayEdit(client: client, settings: settings, context: context).run(request)
            return reply
        }
    }
}
