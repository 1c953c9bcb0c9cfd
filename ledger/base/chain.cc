#include "ledger/base/chain.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "ledger/base/check.h"

namespace lcp {

const std::string& GenesisHash() {
  static const std::string* const kGenesis = new std::string(kHashBytes, '\0');
  return *kGenesis;
}

namespace {

// SHA-256(prev_hash || body) into `digest`.
void Digest(std::string_view prev_hash, std::string_view body, unsigned char (&digest)[kHashBytes]) {
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  // The digest is fetched once (an implicit fetch on every call costs more than hashing a small body)
  // and each thread reuses one context.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const bool ok = kSha256 != nullptr && ctx != nullptr &&
                  EVP_DigestInit_ex2(ctx.get(), kSha256, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx.get(), prev_hash.data(), prev_hash.size()) == 1 &&
                  EVP_DigestUpdate(ctx.get(), body.data(), body.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), out, &length) == 1;
  // SHA-256 over memory cannot fail unless OpenSSL itself is broken; go no further if it is.
  if (!ok || length != kHashBytes) std::abort();
  std::memcpy(digest, out, kHashBytes);
}

}  // namespace

std::string ChainHash(std::string_view prev_hash, std::string_view body) {
  unsigned char digest[kHashBytes];
  Digest(prev_hash, body, digest);
  return std::string(reinterpret_cast<const char*>(digest), kHashBytes);
}

v1::JournalRecord MakeRecord(std::uint64_t seq, std::string_view prev_hash, std::string body) {
  LCP_CHECK(prev_hash.size() == kHashBytes);
  v1::JournalRecord record;
  record.set_seq(seq);
  record.set_prev_hash(std::string(prev_hash));
  record.set_hash(ChainHash(prev_hash, body));
  record.set_body(std::move(body));
  return record;
}

Status VerifyLink(const v1::JournalRecord& record, std::uint64_t prev_seq,
                  std::string_view prev_hash) {
  const std::uint64_t expected = prev_seq + 1;
  auto broken = [&](const std::string& what) {
    return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                         "record " + std::to_string(expected) + ": " + what);
  };
  if (record.seq() != expected) {
    return broken("found sequence number " + std::to_string(record.seq()) +
                  " where " + std::to_string(expected) + " should follow " +
                  std::to_string(prev_seq) + " (a record is missing or out of order)");
  }
  if (record.prev_hash() != prev_hash) {
    return broken("its previous hash " + ToHex(record.prev_hash()) +
                  " is not the hash of the record before it, " + ToHex(prev_hash));
  }
  unsigned char digest[kHashBytes];
  Digest(prev_hash, record.body(), digest);
  if (record.hash().size() != kHashBytes ||
      std::memcmp(record.hash().data(), digest, kHashBytes) != 0) {
    return broken("its hash " + ToHex(record.hash()) +
                  " is not SHA-256 of the previous hash and its body (the record was altered)");
  }
  return Status::Ok();
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0F]);
  }
  return hex;
}

}  // namespace lcp
