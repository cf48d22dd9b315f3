"""The claimgraph store: documents, actors, mentions, statements and propositions in one database.

    with open_store("claimgraph.db") as store:          # SQLite file, or a postgresql:// URL; $CLAIMGRAPH_DB
        store.add_result(extraction_result)
        store.propositions(contested_only=True)
"""

from .base import PendingDocument, Store
from .models import (
    ActorHit, ActorProfile, ActorRef, AsserterStance, Claim, ClaimFilter, Counterparty, DocumentHit, DocumentSummary,
    Dossier, DossierEntry, EdgeCount, EdgeCounts, FeedState, Judgement, PairCount, Proposition, SearchHit,
    StoredDocument, StoreStats, TypeStanceCount,
)
from .sql import DB_ENV, DEFAULT_DB, Location, SqlStore, database_spec, is_postgres, locate, open_store

__all__ = [
    "ActorHit", "DocumentHit", "FeedState", "DocumentSummary", "EdgeCount", "EdgeCounts",
    "ActorProfile", "ActorRef", "AsserterStance", "Claim", "ClaimFilter", "Counterparty", "DB_ENV", "DEFAULT_DB",
    "Dossier", "DossierEntry", "Judgement", "Location", "PairCount", "PendingDocument", "Proposition", "SearchHit",
    "SqlStore", "Store", "StoredDocument", "StoreStats", "TypeStanceCount", "database_spec", "is_postgres", "locate",
    "open_store",
]
