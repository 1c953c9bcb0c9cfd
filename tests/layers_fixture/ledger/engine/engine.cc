#include "ledger/flat.h"
#include "ledger/rules/capitation.h"
