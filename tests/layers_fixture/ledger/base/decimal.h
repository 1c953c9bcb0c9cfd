#pragma once
#include "ledger/base/status.h"
#include "ledger/engine/engine.h"
