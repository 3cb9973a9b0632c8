// luciddrag-gateway: the Majordomo broker every LucidDrag service joins, and the lucid.v1.Gateway
// service (Health for now; orchestration and HTTP come with later stages).
import LucidService

await ServiceProcess.runGateway(options: GatewayOptions.parseOrExit())
