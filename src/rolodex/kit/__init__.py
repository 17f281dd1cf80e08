"""Small shared pieces: column types, money, time, phones, pagination."""
