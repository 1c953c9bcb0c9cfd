#!/usr/bin/env python3
"""Reads an lcpledger export (docs/export-format.md) and checks it, using only the protobuf classes
generated from proto/lcp/v1/ledger.proto. Independent of lcpledger's own code: an auditor can check an
export with this alone.

    protoc --python_out=GEN -I proto proto/lcp/v1/ledger.proto
    PYTHONPATH=GEN python3 docs/examples/read_export.py FILE

Prints the records' range, head hash and month-close checkpoints, and exits 0 if every rule of the
format holds; otherwise names the first record that breaks one and exits 1.
"""
import hashlib
import sys

from lcp.v1 import ledger_pb2

SIZE_MAX = 16 * 1024 * 1024  # No header or record is larger; a larger size means a corrupt file.


class Bad(Exception):
    pass


def varint(data, pos):
    """Decodes a base-128 varint of at most 5 bytes at data[pos]; returns (value, next position)."""
    value = 0
    for shift in range(0, 35, 7):
        if pos >= len(data):
            raise Bad("the file ends inside a size prefix")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
    raise Bad("a size prefix longer than 5 bytes")


def messages(data):
    """Yields each message's bytes: size (varint), then that many bytes, to the end of the file."""
    pos = 0
    while pos < len(data):
        size, pos = varint(data, pos)
        if size > SIZE_MAX:
            raise Bad("a message of %d bytes, more than any export holds" % size)
        if pos + size > len(data):
            raise Bad("the file ends inside a message (it is truncated)")
        yield data[pos:pos + size]
        pos += size


def check(data):
    it = messages(data)
    header = ledger_pb2.ExportHeader.FromString(next(it))
    if header.format != "lcpledger-export" or header.format_version != 1:
        raise Bad("not an lcpledger export of format version 1")
    if len(header.first_prev_hash) != 32 or len(header.head_hash) != 32:
        raise Bad("header: first_prev_hash and head_hash must be 32 bytes")
    if header.record_count == 0 and (header.first_seq or header.last_seq):
        raise Bad("header: first_seq and last_seq must be 0 when there are no records")
    if header.first_seq == 1 and header.first_prev_hash != bytes(32):
        raise Bad("header: a file starting at record 1 starts from 32 zero bytes")
    expected = header.last_seq - header.first_seq + 1 if header.record_count else 0
    if header.record_count != expected:
        raise Bad("header: record_count %d does not match first_seq and last_seq" % header.record_count)
    seq, prev, count, checkpoints = header.first_seq, header.first_prev_hash, 0, 0
    for raw in it:
        where = "record %d" % (seq + count)
        record = ledger_pb2.JournalRecord.FromString(raw)
        if count == header.record_count:
            raise Bad("%s: the header promises only %d records" % (where, header.record_count))
        if record.seq != seq + count:
            raise Bad("%s: found record %d in its place (one is missing or out of order)" % (where, record.seq))
        if record.prev_hash != prev:
            raise Bad("%s: its prev_hash is not the previous record's hash" % where)
        if record.hash != hashlib.sha256(record.prev_hash + record.body).digest():
            raise Bad("%s: its hash does not cover its body (the record was altered)" % where)
        entry = ledger_pb2.JournalEntry.FromString(record.body)
        if entry.command.HasField("close_month") and not entry.HasField("checkpoint"):
            raise Bad("%s: it closes a month but records no checkpoint" % where)
        if entry.HasField("checkpoint"):
            if entry.checkpoint.seq != record.seq - 1 or entry.checkpoint.hash != record.prev_hash:
                raise Bad("%s: its month-close checkpoint does not name the record before it" % where)
            checkpoints += 1
        prev, count = record.hash, count + 1
    if count != header.record_count:
        raise Bad("record %d: missing; the file ends after %d records" % (seq + count, count))
    if prev != header.head_hash:
        raise Bad("header: its head hash is not the hash of the last record")
    return header, count, checkpoints


def main():
    if len(sys.argv) != 2:
        print("usage: read_export.py FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    try:
        header, count, checkpoints = check(data)
    except StopIteration:
        print("%s: FAILED: the file is empty" % sys.argv[1], file=sys.stderr)
        return 1
    except Exception as error:  # Bad, or a message that does not parse: a corrupt file either way.
        print("%s: FAILED: %s" % (sys.argv[1], error), file=sys.stderr)
        return 1
    print("%s: %d records (entries %d to %d); chain, header and %d month-close checkpoints verified; "
          "head %s" % (sys.argv[1], count, header.first_seq, header.last_seq, checkpoints,
                       header.head_hash.hex()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
