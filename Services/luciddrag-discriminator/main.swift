// luciddrag-discriminator: a worker of lucid.v1.Discriminator, which scores latents for the
// sampler's guidance (Score comes with the method stage; until then it answers Health).
import LucidService

await ServiceProcess.runWorker(.discriminator, options: ServiceOptions.parseOrExit())
