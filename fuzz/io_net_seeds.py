#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz/corpus/io_net/: programs that reach every socket and
file operation and errno path of the io_net harness (fuzz/io_net_fuzz.cpp), encoded the way
its decoder reads them. FuzzedDataProvider takes every integer from the END of the input,
so a program is written as its byte sequence reversed. Usage: fuzz/io_net_seeds.py DIR"""
import hashlib
import os
import sys

OPS = ['send', 'recv', 'shutdown', 'close', 'connect', 'accept', 'bind_in_use', 'open', 'write',
       'pwrite', 'pread', 'fsync', 'unlink', 'close_file', 'cancel', 'abort']
WRITES = {'send', 'write', 'pwrite'}
PAIR0, PAIR1, CLIENT, SERVER = 0, 1, 2, 3


def step(op, slot=0, target=0, data=b'', n=1, zero=False, offset=0):
    """One step: len is len(data) for writes, else n (bytes to read)."""
    length = len(data) if op in WRITES else n
    seq = [OPS.index(op), slot, target, length - 1, 1 if zero else 0, offset]
    seq += list(data)
    return seq


def encode(steps):
    seq = [b for s in steps for b in s]
    return bytes(reversed(seq))


SEEDS = {
    'pair_send_recv_shutdown': [
        step('recv', 0, PAIR1, n=4),  # waits
        step('send', 1, PAIR0, b'hello'),  # completes it with 'hell'
        step('recv', 0, PAIR1, n=16, zero=True),  # 'o'
        step('recv', 0, PAIR1, n=16, zero=True),  # ETIME
        step('send', 1, PAIR1, b'xy'),
        step('recv', 0, PAIR0, n=2),
        step('recv', 2, PAIR1, n=8),  # waits
        step('shutdown', 1, PAIR0),  # SHUT_WR: the waiting recv gets 0
        step('send', 1, PAIR0, b'z'),  # EPIPE
        step('send', 1, PAIR1, b'back'),  # the other direction still works
        step('shutdown', 1, PAIR1, zero=True),  # SHUT_RD of end 1
        step('recv', 0, PAIR1, n=8),  # 0
        step('send', 1, PAIR1, b'more'),  # 'back' and 'more' wait at end 0
        step('recv', 0, PAIR0, n=3),
    ],
    'pair_close_reset_ebadf': [
        step('send', 0, PAIR1, b'abc'),  # queued at end 0
        step('recv', 1, PAIR1, n=4),  # waits
        step('close', 2, PAIR0),  # unread bytes: the waiting recv gets ECONNRESET
        step('recv', 1, PAIR1, n=4),  # 0
        step('send', 1, PAIR1, b'q'),  # EPIPE
        step('recv', 1, PAIR0, n=4),  # EBADF
        step('close', 1, PAIR0),  # EBADF
        step('shutdown', 1, PAIR0),  # EBADF
        step('send', 1, PAIR0, b'w'),  # EBADF
    ],
    'pair_cancel_abort': [
        step('recv', 0, PAIR0, n=8),
        step('cancel', 0),
        step('recv', 1, PAIR0, n=8),
        step('abort', 1),
        step('send', 2, PAIR1, b'q'),
        step('recv', 3, PAIR0, n=8, zero=True),
        step('recv', 0, PAIR1, n=8, zero=True),  # ETIME
        step('close', 1, PAIR1),  # nothing unread: no reset
        step('recv', 0, PAIR0, n=8),  # 0
    ],
    'tcp_accept_connect_data': [
        step('send', 0, CLIENT, b'a'),  # EBADF: not connected
        step('accept', 0),  # waits
        step('connect', 1, zero=True),  # ECONNREFUSED
        step('bind_in_use', 1),  # EADDRINUSE
        step('connect', 1),  # Ok, and the accept
        step('send', 1, CLIENT, b'ping'),
        step('recv', 2, SERVER, n=16),
        step('recv', 3, CLIENT, n=3),  # waits
        step('send', 1, SERVER, b'pong!'),  # 'pon' to the recv
        step('shutdown', 1, SERVER),  # SHUT_WR
        step('recv', 3, CLIENT, n=16),  # 'g!'
        step('recv', 3, CLIENT, n=16),  # 0
        step('send', 1, SERVER, b'x'),  # EPIPE
        step('send', 1, CLIENT, b'late'),
        step('recv', 0, SERVER, n=2),
    ],
    'tcp_connect_before_accept': [
        step('connect', 0),
        step('send', 0, CLIENT, b'early'),
        step('shutdown', 0, CLIENT),
        step('accept', 1),
        step('recv', 1, SERVER, n=3),
        step('recv', 1, SERVER, n=16),
        step('recv', 1, SERVER, n=16),  # 0
        step('recv', 2, CLIENT, n=4),  # waits
        step('cancel', 2),
        step('recv', 2, CLIENT, n=4),
        step('abort', 2),
        step('send', 3, SERVER, b'left'),  # stays queued at the client
    ],
    'tcp_accept_cancel_abort': [
        step('accept', 0),
        step('abort', 0),
        step('accept', 1),
        step('cancel', 1),
        step('accept', 2),
        step('connect', 3),
        step('send', 3, SERVER, b'hi'),
        step('recv', 0, CLIENT, n=1),
    ],
    'files_create_write_pread_unlink': [
        step('open', 0, 0),  # ENOENT
        step('open', 0, 0, zero=True, offset=1),  # O_CREAT|O_EXCL
        step('write', 0, 0, b'abc'),
        step('pwrite', 0, 0, b'xy', offset=6),
        step('pread', 0, 0, n=16),  # 'abc\0\0\0xy'
        step('pread', 0, 0, n=4, offset=7),  # 'y': short at the end
        step('pread', 0, 0, n=4, offset=12),  # 0
        step('fsync', 0, 0),
        step('write', 0, 0, b'd'),  # at position 3
        step('close_file', 0, 0),
        step('open', 0, 0, zero=True, offset=1),  # EEXIST
        step('open', 0, 0),  # Ok, position 0
        step('unlink', 0, 0),
        step('unlink', 0, 0),  # ENOENT
        step('pread', 1, 0, n=16, offset=1),  # the open handle keeps the file
        step('write', 1, 0, b'Z'),
        step('close_file', 0, 0),
        step('open', 0, 0),  # ENOENT
        step('fsync', 0, 0),  # EBADF
        step('pwrite', 0, 1, b'q', offset=3),  # EBADF
        step('close_file', 0, 1),  # EBADF
        step('open', 0, 1, zero=True),
        step('pwrite', 0, 1, b'tail', offset=2),
        step('write', 0, 1, b'he'),
    ],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus', 'io_net')
    os.makedirs(out, exist_ok=True)
    for name, steps in SEEDS.items():
        data = encode(steps)
        path = os.path.join(out, hashlib.sha1(data).hexdigest())
        with open(path, 'wb') as f:
            f.write(data)
        print(path, name)


if __name__ == '__main__':
    main()
