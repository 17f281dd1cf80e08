"""Orders with line items; paid, refunded and cancelled orders move the LTV ledger."""
