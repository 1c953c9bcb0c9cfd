#include "ledger/read/views.h"

#include "ledger/audit/replay.h"
