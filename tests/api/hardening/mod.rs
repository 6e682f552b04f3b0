//! How the server holds up against hostile clients and broken neighbours: slow and idle
//! connections, clients that do not read, HTTP/2, request bodies that exhaust memory or come
//! without a token, descriptor exhaustion, oversized upstream bodies, a database restart, and text
//! PostgreSQL cannot store. Some run the binary as its own process, to set its
//! descriptor limit and to watch its memory.

mod bodies;
mod connections;
mod database;
mod descriptors;
mod nul;
mod protocol;
mod upstream;
