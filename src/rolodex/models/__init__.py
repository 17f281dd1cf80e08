"""All tables, imported so that Base.metadata knows them."""

from rolodex.models.base import Base
from rolodex.models.customers import Address, Customer, CustomerSource, CustomerTag
from rolodex.models.tenants import ApiKey, Tenant, User

__all__ = [
    "Address",
    "ApiKey",
    "Base",
    "Customer",
    "CustomerSource",
    "CustomerTag",
    "Tenant",
    "User",
]
