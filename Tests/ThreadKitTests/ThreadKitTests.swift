import ThreadKit
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private struct Failed: Error, Equatable { var index: Int }

/// Waits up to two seconds for `condition`.
private func eventually(_ condition: () -> Bool) -> Bool {
  for _ in 0..<2000 {
    if condition() { return true }
    usleep(1000)
  }
  return condition()
}

final class ChannelTests: XCTestCase {
  func testElementsArriveInOrderAcrossThreads() throws {
    let channel = Channel<Int>(capacity: 3)
    let producer = BackgroundJob {
      for i in 0..<20_000 { _ = try? channel.send(i) }
      channel.close()
    }
    var got: [Int] = []
    while let i = try channel.receive() { got.append(i) }
    producer.join()
    XCTAssertEqual(got, Array(0..<20_000))
    XCTAssertNil(try channel.receive())
  }

  func testSenderWaitsWhenFull() throws {
    let channel = Channel<Int>(capacity: 3)
    let sent = Locked(0)
    let producer = BackgroundJob {
      for i in 0..<10 {
        _ = try? channel.send(i)
        sent.withLock { $0 += 1 }
      }
      channel.close()
    }
    XCTAssertTrue(eventually { sent.withLock { $0 } == 3 })
    usleep(50_000)
    XCTAssertEqual(sent.withLock { $0 }, 3, "a fourth send must wait for a receive")
    XCTAssertEqual(channel.count, 3)
    XCTAssertEqual(try channel.receive(), 0)
    XCTAssertTrue(eventually { sent.withLock { $0 } == 4 })
    usleep(20_000)
    XCTAssertEqual(sent.withLock { $0 }, 4)
    var rest: [Int] = []
    while let i = try channel.receive() { rest.append(i) }
    XCTAssertEqual(rest, Array(1..<10))
    producer.join()
  }

  func testProducerFailureArrivesAfterItsElementsAndTheFirstIsKept() {
    let channel = Channel<Int>(capacity: 8)
    let producer = BackgroundJob {
      for i in 0..<5 { _ = try? channel.send(i) }
      channel.fail(Failed(index: 1))
      channel.fail(Failed(index: 2))
    }
    producer.join()
    var got: [Int] = []
    XCTAssertThrowsError(try { while let i = try channel.receive() { got.append(i) } }()) {
      XCTAssertEqual($0 as? Failed, Failed(index: 1))
    }
    XCTAssertEqual(got, [0, 1, 2, 3, 4])
    XCTAssertEqual(channel.failure as? Failed, Failed(index: 1))
    XCTAssertThrowsError(try channel.send(9)) { XCTAssertEqual($0 as? Failed, Failed(index: 1)) }
  }

  func testConsumerFailureWakesABlockedSender() {
    let channel = Channel<Int>(capacity: 1)
    let outcome = Locked<String>("")
    let before = KitThreads.live
    let producer = BackgroundJob {
      do {
        for i in 0..<100 { try channel.send(i) }
        outcome.withLock { $0 = "sent all" }
      } catch {
        outcome.withLock { $0 = "threw \((error as? Failed)?.index ?? -1)" }
      }
    }
    XCTAssertTrue(eventually { channel.count == 1 })
    channel.fail(Failed(index: 7))
    producer.join()
    XCTAssertEqual(outcome.withLock { $0 }, "threw 7")
    XCTAssertEqual(KitThreads.live, before)
  }

  func testAbandonedConsumerReleasesItsProducer() {
    let before = KitThreads.live
    let channel = Channel<[UInt8]>(capacity: 2)
    let accepted = Locked(0)
    let producer = BackgroundJob { () -> Bool in
      while true {
        guard (try? channel.send([1, 2, 3])) == true else { return false }
        accepted.withLock { $0 += 1 }
      }
    }
    XCTAssertEqual(try channel.receive(), [1, 2, 3])
    XCTAssertTrue(eventually { channel.count == 2 })
    XCTAssertEqual(KitThreads.live, before + 1, "the producer is blocked on the full channel")
    channel.close()
    XCTAssertFalse(producer.join(), "a send to a closed channel returns false")
    XCTAssertEqual(KitThreads.live, before)
    XCTAssertEqual(accepted.withLock { $0 }, 3)
    // Elements queued before the close are still delivered.
    XCTAssertEqual(try channel.receive(), [1, 2, 3])
    XCTAssertEqual(try channel.receive(), [1, 2, 3])
    XCTAssertNil(try channel.receive())
  }
}

final class OrderedWorkersTests: XCTestCase {
  func testResultsComeBackInIndexOrder() throws {
    let workers = OrderedWorkers(count: 200, threads: 4) { i -> Int in
      usleep(UInt32((i * 7919) % 5) * 200)  // uneven work, so workers finish out of order
      return i * i
    }
    defer { workers.stop() }
    for i in 0..<200 { XCTAssertEqual(try workers.take(i), i * i) }
  }

  func testWorkersStayWithinTheirWindow() throws {
    let started = Locked(-1)
    let workers = OrderedWorkers(count: 60, threads: 3, window: 4) { i -> Int in
      started.withLock { $0 = max($0, i) }
      return i
    }
    defer { workers.stop() }
    for i in 0..<60 {
      usleep(500)  // a slow consumer
      XCTAssertLessThan(started.withLock { $0 }, i + 4, "work(\(started.withLock { $0 })) started before take(\(i))")
      XCTAssertEqual(try workers.take(i), i)
    }
  }

  func testAnErrorIsRethrownAtItsIndex() throws {
    let workers = OrderedWorkers(count: 10, threads: 2) { i -> Int in
      if i == 5 { throw Failed(index: i) }
      return i
    }
    defer { workers.stop() }
    for i in 0..<5 { XCTAssertEqual(try workers.take(i), i) }
    XCTAssertThrowsError(try workers.take(5)) { XCTAssertEqual($0 as? Failed, Failed(index: 5)) }
    for i in 6..<10 { XCTAssertEqual(try workers.take(i), i) }
  }

  func testStopJoinsEveryThread() throws {
    let before = KitThreads.live
    let ran = Locked(0)
    do {
      let workers = OrderedWorkers(count: 1000, threads: 3, window: 6) { i -> Int in
        ran.withLock { $0 += 1 }
        usleep(1000)
        return i
      }
      XCTAssertEqual(KitThreads.live, before + 3)
      XCTAssertEqual(try workers.take(0), 0)
      workers.stop()
      XCTAssertEqual(KitThreads.live, before, "stop() returns after every worker ended")
      workers.stop()
    }
    XCTAssertLessThanOrEqual(ran.withLock { $0 }, 1 + 6, "no work beyond the window after stop()")
    XCTAssertEqual(KitThreads.live, before)
  }

  func testReleasedWithoutStopLeavesNoThread() {
    let before = KitThreads.live
    do {
      let workers = OrderedWorkers(count: 50, threads: 2) { i -> Int in usleep(500); return i }
      XCTAssertEqual(try workers.take(0), 0)
    }
    XCTAssertEqual(KitThreads.live, before)
  }

  func testOneItemRunsOnTheCallersThread() throws {
    let before = KitThreads.live
    let workers = OrderedWorkers(count: 1, threads: 4) { i -> Int in i + 41 }
    XCTAssertEqual(KitThreads.live, before)
    XCTAssertEqual(try workers.take(0), 41)
    workers.stop()
  }
}

final class BackgroundJobTests: XCTestCase {
  func testJoinReturnsTheResult() {
    let job = BackgroundJob(name: "test-job") { (1...1000).reduce(0, +) }
    XCTAssertEqual(job.join(), 500_500)
    XCTAssertTrue(job.isFinished)
    XCTAssertEqual(job.join(), 500_500)
  }

  func testAJobIsJoinedWhenReleased() {
    let before = KitThreads.live
    let done = Locked(false)
    do {
      _ = BackgroundJob {
        usleep(20_000)
        done.withLock { $0 = true }
      }
    }
    XCTAssertTrue(done.withLock { $0 }, "releasing the job waited for it")
    XCTAssertEqual(KitThreads.live, before)
  }

  func testAJobMayOwnWhatItCaptures() {
    final class Counter { var n = 0 }  // not Sendable: handed over to the job
    let counter = Counter()
    let job = BackgroundJob { () -> Int in
      for _ in 0..<100 { counter.n += 1 }
      return counter.n
    }
    XCTAssertEqual(job.join(), 100)
  }
}

final class LockTests: XCTestCase {
  func testLockedCountsWithoutLosingUpdates() {
    let total = Locked(0)
    let jobs = (0..<4).map { _ in BackgroundJob { for _ in 0..<10_000 { total.withLock { $0 += 1 } } } }
    for job in jobs { job.join() }
    XCTAssertEqual(total.withLock { $0 }, 40_000)
  }

  func testWaitUntilSeesAnUpdate() {
    let flag = Locked(0)
    let job = BackgroundJob { flag.wait(until: { $0 == 1 }) { $0 = 2 } }
    usleep(5_000)
    flag.update { $0 = 1 }
    job.join()
    XCTAssertEqual(flag.withLock { $0 }, 2)
  }
}
