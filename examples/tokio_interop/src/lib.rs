//! Glue for the ctest tokio_waker_interop (examples/tokio_interop.cpp): tokio tasks wake
//! kimojio tasks, and a kimojio task awaits a tokio channel.
pub mod kimojio_waker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

/// Runs a 2-worker tokio multi-thread runtime in which one tokio task per kimojio waker
/// word, `rounds` times, bumps that task's counter (Release) and then wakes it. Returns
/// when every tokio task is done.
///
/// # Safety
/// `words` and `counters` point at `n` valid elements that outlive the call.
#[no_mangle]
pub unsafe extern "C" fn kimojio_tokio_wake_rounds(words: *const usize, counters: *const AtomicU64, n: usize, rounds: u64) {
    let words: Vec<usize> = std::slice::from_raw_parts(words, n).to_vec();
    let counters = counters as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().expect("tokio runtime");
    runtime.block_on(async move {
        let mut handles = Vec::new();
        for (i, word) in words.into_iter().enumerate() {
            handles.push(tokio::spawn(async move {
                let waker = kimojio_waker::from_word(word);
                // SAFETY: the caller keeps `counters` alive until this function returns.
                let counter = unsafe { &*(counters as *const AtomicU64).add(i) };
                for _ in 0..rounds {
                    counter.fetch_add(1, Ordering::Release);
                    waker.wake_by_ref();
                    tokio::task::yield_now().await;
                }
            }));
        }
        for handle in handles {
            handle.await.expect("tokio task");
        }
    });
}

/// A tokio mpsc channel fed by a tokio runtime on its own thread.
pub struct Channel {
    receiver: tokio::sync::mpsc::Receiver<u64>,
    feeder: Option<std::thread::JoinHandle<()>>,
}

/// Starts a thread with a tokio current_thread runtime that sends 0..count into a
/// bounded (capacity 8) tokio channel, then drops the sender.
#[no_mangle]
pub extern "C" fn kimojio_tokio_channel_start(count: u64) -> *mut Channel {
    let (sender, receiver) = tokio::sync::mpsc::channel(8);
    let feeder = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("tokio runtime");
        runtime.block_on(async move {
            for i in 0..count {
                sender.send(i).await.expect("receiver alive");
            }
        });
    });
    Box::into_raw(Box::new(Channel { receiver, feeder: Some(feeder) }))
}

/// Polls the channel with the kimojio waker `word`: the next value, -1 while empty
/// (tokio keeps the waker and wakes the kimojio task when a value arrives), -2 once the
/// sender is gone and the channel is empty.
///
/// # Safety
/// `channel` comes from kimojio_tokio_channel_start and was not freed.
#[no_mangle]
pub unsafe extern "C" fn kimojio_tokio_channel_poll(channel: *mut Channel, word: usize) -> i64 {
    let waker = kimojio_waker::from_word(word);
    let mut cx = Context::from_waker(&waker);
    match (*channel).receiver.poll_recv(&mut cx) {
        Poll::Ready(Some(v)) => v as i64,
        Poll::Ready(None) => -2,
        Poll::Pending => -1,
    }
}

/// Joins the feeder thread and frees the channel.
///
/// # Safety
/// `channel` comes from kimojio_tokio_channel_start and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn kimojio_tokio_channel_free(channel: *mut Channel) {
    let mut channel = Box::from_raw(channel);
    channel.receiver.close();
    if let Some(feeder) = channel.feeder.take() {
        let _ = feeder.join();
    }
}
