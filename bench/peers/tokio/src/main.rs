//! tokio peer (current_thread runtime): round trip (a plain thread notifies a task,
//! the task writes an eventfd back), throughput (N threads notify 64 tasks while a busy
//! task keeps the runtime polling) and churn (LocalSet spawn_local + join, 1,000 at a
//! time), and foreign_wake (one thread notifies 64 waiting tasks n times while the runtime
//! thread waits in join, for callgrind's instructions per notify). Prints RESULT lines.
//! For the sync primitives: mpsc (N std threads blocking_send into a bounded channel of
//! 1,024 that one task drains) and spawn_blocking (a task awaits a trivial blocking job,
//! n times in a row). mpsc_joined: one std thread blocking_sends n messages into a channel
//! of n and is joined, then a task drains them (the runtime never parks: for callgrind's
//! instructions per message).
//! For the TCP echo benchmark (bench/echo_run.py): echo_server (listens on 127.0.0.1, a
//! spawned task per connection reads and write_all's back, until `connections` closed).
//! For the file read benchmark (bench/pread_run.py): pread (tokio::fs::File, one per read in
//! flight: seek then read_exact, each a trip to the blocking pool as tokio::fs does) and
//! pread_blocking (spawn_blocking of std's read_at: one trip per read), at the offsets of
//! bench/pread_common.hpp, each block checked against the file's pattern.
//!   tokio_bench round_trip [n] | throughput <threads> [n] | foreign_wake [n] | churn [n]
//!               | mpsc <producers> [n] | mpsc_joined [n] | spawn_blocking [n] | echo_server <connections>
//!               | pread | pread_blocking <file> <depth> <seconds | -reads> <seed>
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Notify;

fn write_one(fd: i32) {
    let one: u64 = 1;
    let n = unsafe { libc::write(fd, &one as *const u64 as *const libc::c_void, 8) };
    assert_eq!(n, 8);
}

fn read_one(fd: i32) {
    let mut v: u64 = 0;
    while unsafe { libc::read(fd, &mut v as *mut u64 as *mut libc::c_void, 8) } != 8 {}
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().unwrap()
}

fn round_trip(n: usize) {
    let back = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) };
    let notify = Arc::new(Notify::new());
    let ready = Arc::new(AtomicBool::new(false));
    let pinger = {
        let notify = notify.clone();
        let ready = ready.clone();
        std::thread::spawn(move || {
            while !ready.load(Ordering::Acquire) {
                std::thread::yield_now();
            }
            let mut samples = Vec::with_capacity(n);
            for _ in 0..n {
                let start = Instant::now();
                notify.notify_one();
                read_one(back);
                samples.push(start.elapsed().as_nanos() as f64);
            }
            samples
        })
    };
    runtime().block_on(async {
        ready.store(true, Ordering::Release);
        for _ in 0..n {
            notify.notified().await;
            write_one(back);
        }
    });
    let mut samples = pinger.join().unwrap();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("RESULT round_trip tokio {} ns", samples[n / 2]);
}

// 64 tasks, task i waiting on notifies[i] until stop; each counts itself in started.
fn spawn_waiters(
    notifies: &Arc<Vec<Notify>>,
    stop: &Arc<AtomicBool>,
    started: &Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..64)
        .map(|i| {
            let (notifies, stop, started) = (notifies.clone(), stop.clone(), started.clone());
            tokio::spawn(async move {
                started.fetch_add(1, Ordering::AcqRel);
                while !stop.load(Ordering::Acquire) {
                    notifies[i].notified().await;
                }
            })
        })
        .collect()
}

fn throughput(threads: usize, per_thread: usize) {
    let notifies: Arc<Vec<Notify>> = Arc::new((0..64).map(|_| Notify::new()).collect());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicUsize::new(0));
    let coordinator = {
        let (notifies, stop, started) = (notifies.clone(), stop.clone(), started.clone());
        std::thread::spawn(move || {
            while started.load(Ordering::Acquire) < 64 {
                std::thread::yield_now();
            }
            let start = Instant::now();
            let wakers: Vec<_> = (0..threads)
                .map(|t| {
                    let notifies = notifies.clone();
                    std::thread::spawn(move || {
                        for k in 0..per_thread {
                            notifies[(k + t * 7) % 64].notify_one();
                        }
                    })
                })
                .collect();
            for w in wakers {
                w.join().unwrap();
            }
            let seconds = start.elapsed().as_secs_f64();
            stop.store(true, Ordering::Release);
            for n in notifies.iter() {
                n.notify_one();
            }
            seconds
        })
    };
    runtime().block_on(async {
        let tasks = spawn_waiters(&notifies, &stop, &started);
        // the busy task: keeps the runtime polling until the wakers are done
        while !stop.load(Ordering::Acquire) {
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
    let seconds = coordinator.join().unwrap();
    println!("RESULT throughput_{} tokio {} wakes/s", threads, (threads * per_thread) as f64 / seconds);
}

fn churn(n: usize) {
    let local = tokio::task::LocalSet::new();
    let start = Instant::now();
    local.block_on(&runtime(), async {
        let mut done = 0;
        while done < n {
            let handles: Vec<_> = (0..1000).map(|_| tokio::task::spawn_local(async {})).collect();
            for h in handles {
                h.await.unwrap();
            }
            done += 1000;
        }
    });
    println!("RESULT churn tokio {} tasks/s", n as f64 / start.elapsed().as_secs_f64());
}

fn foreign_wake(n: usize) {
    let notifies: Arc<Vec<Notify>> = Arc::new((0..64).map(|_| Notify::new()).collect());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicUsize::new(0));
    runtime().block_on(async {
        let tasks = spawn_waiters(&notifies, &stop, &started);
        while started.load(Ordering::Acquire) < 64 {
            tokio::task::yield_now().await;
        }
        tokio::task::yield_now().await; // every task is now parked in notified()
        let start = Instant::now();
        let waker = {
            let notifies = notifies.clone();
            std::thread::spawn(move || {
                for k in 0..n {
                    notifies[k % 64].notify_one();
                }
            })
        };
        waker.join().unwrap();
        println!("RESULT foreign_wake tokio {} ns", start.elapsed().as_nanos() as f64 / n as f64);
        stop.store(true, Ordering::Release);
        for t in notifies.iter() {
            t.notify_one();
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
}

fn mpsc(producers: usize, n: usize) {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<usize>(1024);
    let per = n / producers;
    let start = Instant::now();
    let threads: Vec<_> = (0..producers)
        .map(|_| {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for i in 0..per {
                    sender.blocking_send(i).unwrap();
                }
            })
        })
        .collect();
    drop(sender);
    let received = runtime().block_on(async move {
        let mut count = 0usize;
        while receiver.recv().await.is_some() {
            count += 1;
        }
        count
    });
    let seconds = start.elapsed().as_secs_f64();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(received, per * producers);
    println!("RESULT channel_{} tokio {} msgs/s", producers, received as f64 / seconds);
}

fn mpsc_joined(n: usize) {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<usize>(n.max(1));
    std::thread::spawn(move || {
        for i in 0..n {
            sender.blocking_send(i).unwrap();
        }
    })
    .join()
    .unwrap();
    let received = runtime().block_on(async move {
        let mut count = 0usize;
        while receiver.recv().await.is_some() {
            count += 1;
        }
        count
    });
    assert_eq!(received, n);
    println!("RESULT channel_joined tokio {} msgs", received);
}

fn spawn_blocking(n: usize) {
    runtime().block_on(async {
        let start = Instant::now();
        for i in 0..n {
            let v = tokio::task::spawn_blocking(move || i + 1).await.unwrap();
            assert_eq!(v, i + 1);
        }
        println!("RESULT spawn_blocking tokio {} ns", start.elapsed().as_nanos() as f64 / n as f64);
    });
}

// TCP echo server on a current_thread runtime with I/O enabled: prints "PORT <n>", serves
// `connections` connections (a task each: read, write_all back), exits when all closed.
fn echo_server(connections: usize) {
    use std::io::Write;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("PORT {}", listener.local_addr().unwrap().port());
        std::io::stdout().flush().unwrap();
        let mut handles = Vec::with_capacity(connections);
        for _ in 0..connections {
            let (mut stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            handles.push(tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                loop {
                    let n = match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if stream.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
    });
}

// The offsets and checks of bench/pread_common.hpp, shared by the `depth` tasks of one
// current_thread runtime.
struct Claims {
    blocks: u64,
    seed: u64,
    next: AtomicU64,
    limit: AtomicU64,
    deadline: Option<Instant>,
    done: AtomicU64,
    offset_sum: AtomicU64,
    bad: AtomicU64,
}

impl Claims {
    fn offset_of(&self, i: u64) -> u64 {
        let mut x = self.seed.wrapping_add(i).wrapping_add(0x9e3779b97f4a7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d049bb133111eb);
        ((x ^ (x >> 31)) % self.blocks) * 4096
    }
    // The offset of the next read, or None once the count or the time is up.
    fn claim(&self) -> Option<u64> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if i >= self.limit.load(Ordering::Relaxed) {
            return None;
        }
        if i & 255 == 0 {
            if let Some(d) = self.deadline {
                if Instant::now() >= d {
                    self.limit.store(i, Ordering::Relaxed);
                    return None;
                }
            }
        }
        Some(self.offset_of(i))
    }
    fn completed(&self, buf: &[u8], got: usize, offset: u64) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.offset_sum.fetch_add(offset, Ordering::Relaxed);
        let word = |at: usize| u64::from_le_bytes(buf[at..at + 8].try_into().unwrap());
        if got != 4096 || word(0) != offset || word(4088) != offset + 4088 {
            self.bad.fetch_add(1, Ordering::Relaxed);
        }
    }
}

// pread | pread_blocking <file> <depth> <seconds | -reads> <seed>
fn pread(args: &[String], blocking: bool) {
    use std::os::unix::fs::FileExt;
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    if args.len() != 6 {
        eprintln!("usage: tokio_bench pread|pread_blocking <file> <depth> <seconds | -reads> <seed>");
        std::process::exit(2);
    }
    let path = args[2].clone();
    let depth: usize = args[3].parse().unwrap();
    let amount: f64 = args[4].parse().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let start = Instant::now();
    let claims = Arc::new(Claims {
        blocks: size / 4096,
        seed: args[5].parse().unwrap(),
        next: AtomicU64::new(0),
        limit: AtomicU64::new(if amount > 0.0 { u64::MAX } else { (-amount) as u64 }),
        deadline: if amount > 0.0 { Some(start + std::time::Duration::from_secs_f64(amount)) } else { None },
        done: AtomicU64::new(0),
        offset_sum: AtomicU64::new(0),
        bad: AtomicU64::new(0),
    });
    let std_file = Arc::new(std::fs::File::open(&path).unwrap());
    runtime().block_on(async {
        let handles: Vec<_> = (0..depth)
            .map(|_| {
                let (claims, path, std_file) = (claims.clone(), path.clone(), std_file.clone());
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    if blocking {
                        while let Some(offset) = claims.claim() {
                            let file = std_file.clone();
                            let (b, got) = tokio::task::spawn_blocking(move || {
                                let got = file.read_at(&mut buf, offset).unwrap_or(0);
                                (buf, got)
                            })
                            .await
                            .unwrap();
                            buf = b;
                            claims.completed(&buf, got, offset);
                        }
                    } else {
                        let mut file = tokio::fs::File::open(&path).await.unwrap();
                        while let Some(offset) = claims.claim() {
                            file.seek(std::io::SeekFrom::Start(offset)).await.unwrap();
                            let got = match file.read_exact(&mut buf).await {
                                Ok(_) => 4096,
                                Err(_) => 0,
                            };
                            claims.completed(&buf, got, offset);
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    let done = claims.done.load(Ordering::Relaxed);
    let bad = claims.bad.load(Ordering::Relaxed);
    let name = if blocking { "tokio_blocking" } else { "tokio_fs" };
    println!("RESULT pread_{} {} {} reads/s", depth, name, done as f64 / start.elapsed().as_secs_f64());
    println!("CHECKED {} reads offset_sum {} bad {}", done, claims.offset_sum.load(Ordering::Relaxed), bad);
    if bad != 0 {
        eprintln!("{}: {} blocks did not hold the file's pattern", name, bad);
        std::process::exit(1);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |i: usize, d: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    match args.get(1).map(String::as_str) {
        Some("round_trip") => round_trip(num(2, 20000)),
        Some("throughput") => throughput(num(2, 1), num(3, 200000)),
        Some("foreign_wake") => foreign_wake(num(2, 200000)),
        Some("churn") => churn(num(2, 200000)),
        Some("mpsc") => mpsc(num(2, 1), num(3, 1000000)),
        Some("mpsc_joined") => mpsc_joined(num(2, 100000)),
        Some("spawn_blocking") => spawn_blocking(num(2, 20000)),
        Some("echo_server") => echo_server(num(2, 1)),
        Some("pread") => pread(&args, false),
        Some("pread_blocking") => pread(&args, true),
        _ => {
            eprintln!("usage: tokio_bench round_trip [n] | throughput <threads> [n] | foreign_wake [n] | churn [n] | mpsc <producers> [n] | spawn_blocking [n] | echo_server <connections> | pread | pread_blocking <file> <depth> <seconds | -reads> <seed>");
            std::process::exit(2);
        }
    }
}
