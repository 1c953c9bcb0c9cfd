// lcp's contract commands: contract add|approve|vary|pay|close|show|list, interest declare|list,
// statement, and payments import (docs/contracts.md), with the flow behind the import: a payments
// file posted in batches.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "clients/lcp/cli.h"
#include "clients/lcp/csv_import.h"
#include "ledger/base/decimal.h"

namespace lcp::client {

// Adds the commands to `app`. Their callbacks read `options` and set `exit_code`; both must outlive
// the parse.
void AddContractCommands(CLI::App& app, Options& options, int& exit_code);

// A line of a payments file that the server did not post, and why.
struct PaymentProblem {
  std::size_t line = 0;
  std::string invoice_reference;
  // The invoice was paid already with other details than this line's (IDEMPOTENCY_KEY_REUSED or
  // INVOICE_ALREADY_POSTED): it is not paid twice. Otherwise the line was refused.
  bool paid_with_other_details = false;
  v1::Refusal refusal;
};

// What posting a payments file came to.
struct PaymentsPosted {
  std::size_t posted = 0;                // Invoices posted by this import,
  Int posted_pence = 0;                  // for this much.
  std::size_t already = 0;               // Invoices posted before with the same details: skipped.
  std::size_t differing = 0;             // Invoices posted before with other details: skipped.
  std::size_t refused = 0;               // Lines the server refused.
  std::vector<PaymentProblem> problems;  // The differing and refused lines, in file order.
  std::size_t lines_done = 0;            // Lines sent and answered.
  // OK, or the failed call that stopped the import (the batches before it stand), its error code,
  // and the file line its batch began at.
  grpc::Status status;
  std::string error_code;
  std::size_t stopped_at_line = 0;
};

// Called after each batch is answered, with what the import has come to so far.
using PaymentsProgress = std::function<void(const PaymentsPosted&)>;

// Posts `lines` into `year` and `month` through `submit`, in batches of `batch_size` that are not
// all or nothing (each invoice stands alone), each invoice under its key
// "invoice:CONTRACT:REFERENCE" so that an invoice recorded before comes back as a duplicate and the
// file can be imported again safely. Stops at the first failed call. REQUIRES: batch_size > 0.
PaymentsPosted PostPayments(const std::vector<PaymentLine>& lines, const std::string& year,
                            const std::string& month, std::size_t batch_size,
                            const SubmitFunction& submit, const PaymentsProgress& progress = {});

}  // namespace lcp::client
