// luciddrag-sampler: a worker of lucid.v1.Sampler, which runs one drag edit per intention
// (Edit comes with the method stage; until then it answers Health).
import LucidService

await ServiceProcess.runWorker(.sampler, options: ServiceOptions.parseOrExit())
