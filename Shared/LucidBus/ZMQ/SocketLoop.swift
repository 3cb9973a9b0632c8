// The dedicated thread that owns a component's sockets: it polls them plus a doorbell, runs work
// posted from other threads (async code hands it outgoing messages this way) and calls a periodic
// tick for heartbeats and timeouts. No blocking ZeroMQ call ever runs on Swift's cooperative pool.

import Foundation

/// What a ``SocketLoop`` drives. All methods run on the loop's thread.
protocol SocketLoopHandler: AnyObject {
    /// The sockets to poll for input, in a fixed order for one iteration (may change between
    /// iterations, e.g. after a reconnect).
    var pollSockets: [ZMQSocket] { get }
    /// `pollSockets[index]` has input; read everything that is waiting without blocking.
    func socketReadable(at index: Int)
    /// Periodic work (heartbeats, expiries); returns when it next wants to run.
    func tick(now: ContinuousClock.Instant) -> ContinuousClock.Instant
    /// The loop is stopping: close the sockets.
    func loopWillExit()
}

/// A thread owning sockets, with a thread-safe `post` to run closures on it.
///
/// Sendable because its mutable fields are guarded by `lock`, and the handler and the posted
/// closures (which may capture thread-confined state such as the handler) run only on its thread.
final class SocketLoop: @unchecked Sendable {
    private let name: String
    private let doorbell: Doorbell
    private let lock = NSLock()
    private var posted: [() -> Void] = []
    private var rung = false
    private var stopRequested = false
    private var finished = false
    private var finishWaiters: [CheckedContinuation<Void, Never>] = []
    private let finishedSemaphore = DispatchSemaphore(value: 0)
    private var thread: Thread?

    init(name: String) throws {
        self.name = name
        self.doorbell = try Doorbell()
    }

    /// Starts the thread; it keeps `handler` alive until it exits.
    func start(handler: SocketLoopHandler) {
        let owned = LoopThreadOwned(handler: handler)
        let thread = Thread { [self] in self.run(owned.handler) }
        thread.name = name
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Runs `work` on the loop thread, soon. Safe from any thread; never blocks on I/O.
    func post(_ work: @escaping () -> Void) {
        lock.lock()
        if stopRequested && finished {
            lock.unlock()
            return
        }
        posted.append(work)
        let mustRing = !rung
        rung = true
        lock.unlock()
        if mustRing { doorbell.ring() }
    }

    /// Asks the thread to stop after the work already posted; does not wait.
    func requestStop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
        doorbell.ring()
    }

    /// Waits (suspending, not blocking) until the thread has exited.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if finished {
                lock.unlock()
                continuation.resume()
            } else {
                finishWaiters.append(continuation)
                lock.unlock()
            }
        }
    }

    /// Blocks the calling thread until the loop thread has exited (for synchronous shutdown;
    /// returns at once when called on the loop thread itself or before start).
    func joinBlocking() {
        guard let thread, Thread.current !== thread else { return }
        lock.lock()
        let done = finished
        lock.unlock()
        if !done {
            finishedSemaphore.wait()
            finishedSemaphore.signal()
        }
    }

    private func takePosted() -> (work: [() -> Void], stop: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let work = posted
        posted = []
        rung = false
        return (work, stopRequested)
    }

    private func run(_ handler: SocketLoopHandler) {
        var nextTick = ContinuousClock.now
        while true {
            // Work posted before this point is taken here; a later post rings the doorbell, so
            // the poll below cannot sleep through it.
            let (work, stop) = takePosted()
            for item in work { item() }
            if stop { break }

            let now = ContinuousClock.now
            if now >= nextTick { nextTick = handler.tick(now: now) }
            let sockets = handler.pollSockets
            let targets = sockets.map { PollTarget.socket($0) } + [.fileDescriptor(doorbell.readFD)]
            let wait = max(0, ContinuousClock.now.duration(to: nextTick).milliseconds + 1)
            do {
                let readable = try pollReadable(targets, timeoutMilliseconds: wait)
                if readable[sockets.count] { doorbell.drain() }
                for index in sockets.indices where readable[index] {
                    handler.socketReadable(at: index)
                }
            } catch let error as ZMQError where error.isContextTerminated {
                break
            } catch {
                // zmq_poll fails only on invalid arguments; back off rather than spin.
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        handler.loopWillExit()
        lock.lock()
        finished = true
        stopRequested = true
        posted = []
        let waiters = finishWaiters
        finishWaiters = []
        lock.unlock()
        finishedSemaphore.signal()
        for waiter in waiters { waiter.resume() }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up, clamped to Int range.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return Int(min(max(ms.rounded(.up), -1e12), 1e12))
    }

    /// Seconds as a Double.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// A handler on its way to the loop thread, which alone calls it from then on.
private struct LoopThreadOwned: @unchecked Sendable {
    let handler: SocketLoopHandler
}
