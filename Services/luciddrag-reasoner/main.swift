// luciddrag-reasoner: a worker of lucid.v1.Reasoner, which turns a drag into intentions
// (Reason comes with the reasoner stage; until then it answers Health).
import LucidService

await ServiceProcess.runWorker(.reasoner, options: ServiceOptions.parseOrExit())
