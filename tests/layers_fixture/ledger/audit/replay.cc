#include "ledger/base/status.h"
#include "ledger/engine/journal.h"
