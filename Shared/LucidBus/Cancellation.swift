// Suspending until the surrounding task is cancelled: the core of every `run()` lifecycle.

/// Returns when the calling task is cancelled (immediately if it already is).
func waitForCancellation() async {
    let (stream, continuation) = AsyncStream<Never>.makeStream()
    await withTaskCancellationHandler {
        for await _ in stream {}
    } onCancel: {
        continuation.finish()
    }
}
