#include "valkey/pipeline.hpp"

namespace valkey::detail {

std::string pipeline_command_name(const command_info* info, std::string_view wire) {
  if (info != nullptr) return std::string(info->name);
  const auto argv = split_wire(wire);
  return argv.empty() ? std::string("command") : std::string(argv[0]);
}

std::string pipeline_position(std::size_t index, const std::string& name) {
  return "pipeline command " + std::to_string(index + 1) + " (" + name + ")";
}

void run_pipeline(ConnectionPool& pool, const std::string& wire,
                  const std::vector<std::unique_ptr<pipeline_slot>>& slots) {
  if (slots.empty()) return;
  const options& opts = pool.config();
  const auto deadline = connection::deadline_after(opts.command_timeout);
  ConnectionPool::lease lease = pool.acquire(deadline);
  connection& c = *lease;
  if (const std::error_code ec = c.write(wire, deadline)) {
    throw_error(ec, "pipeline", c.error_message());
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    slots[i]->read(c, deadline);
    // A reply error leaves the connection in sync; a broken connection ends it all.
    if (c.is_broken()) {
      throw_error(c.error(), "pipeline", c.error_message());
    }
  }
}

void throw_slot_failure(std::size_t index, const std::string& name, const pipeline_slot& slot) {
  throw_error(slot.error, pipeline_position(index, name), slot.message);
}

}  // namespace valkey::detail
