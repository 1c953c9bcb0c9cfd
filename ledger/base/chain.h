// The hash chain: record n's hash is SHA-256 over record n-1's hash followed by record n's stored body,
// so that any change, removal or reordering of records breaks the chain at the first record touched.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/status.h"

namespace lcp {

inline constexpr std::size_t kHashBytes = 32;

// The prev_hash of record 1: 32 zero bytes.
const std::string& GenesisHash();

// SHA-256(prev_hash || body), 32 bytes.
std::string ChainHash(std::string_view prev_hash, std::string_view body);

// Builds record `seq` that follows `prev_hash`, hashing `body` exactly as given.
v1::JournalRecord MakeRecord(std::uint64_t seq, std::string_view prev_hash, std::string body);

// Checks that `record` is the record after (prev_seq, prev_hash): its seq is prev_seq + 1, its prev_hash
// equals prev_hash and its hash is ChainHash(prev_hash, body). Fails with CHAIN_BROKEN naming the seq.
Status VerifyLink(const v1::JournalRecord& record, std::uint64_t prev_seq, std::string_view prev_hash);

// Lower-case hexadecimal, for people.
std::string ToHex(std::string_view bytes);

}  // namespace lcp
