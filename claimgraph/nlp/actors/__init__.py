"""Who the actors are: knowledge-base names as entities (ruler), every mention resolved to an actor (linker,
names, acronyms, anaphora, refinements), the actors a document adds (provisional) and the actor an argument
phrase stands for (arguments)."""
