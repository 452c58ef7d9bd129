// Free loopback TCP ports for test servers.
//
// A port is found by binding 127.0.0.1:0 and reading what the kernel chose, then
// closing the socket so the server can bind it. Between the close and the server's
// bind another process may take the port; launchers detect "Address already in use"
// in the server log and retry with a fresh port (see Server).
#pragma once

#include <cstdint>
#include <vector>

namespace valkey::test {

/// A loopback port that was free a moment ago and that this process has not handed
/// out before (so two servers started back to back never get the same one).
///
/// `also_free` lists offsets that must be free too: a cluster node needs port+10000
/// for its bus, so `free_port({10000})`.
std::uint16_t free_port(const std::vector<int>& also_free = {});

/// True if 127.0.0.1:`port` can be bound right now.
bool port_is_free(std::uint16_t port);

}  // namespace valkey::test
