// Pipelines and transactions on the sync client: one write, the replies read in order.
#include <algorithm>
#include <thread>

#include "valkey/client.hpp"

namespace valkey {

namespace detail {
namespace {

// Feeds the nodes of one reply message to the batch.
struct batch_adapter {
  command_batch* batch;
  bool on_node(const resp::node& n, std::error_code& ec) { return batch->on_node(n, ec); }
};

}  // namespace

connection::time_point batch_deadline(const options& config, const command_batch& batch) {
  if (config.command_timeout.count() == 0) return connection::no_deadline;
  connection::time_point deadline = connection::deadline_after(config.command_timeout);
  if (batch.is_transaction()) return deadline;  // nothing blocks inside MULTI
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const command_info* info = batch.info_of(i);
    if (info != nullptr && info->has(command_flag::blocking)) {
      deadline = std::max(deadline, deadline_for(config, info, batch.wire_of(i)));
    }
  }
  return deadline;
}

void run_batch(const options& config, connection& c, command_batch& batch, pipeline_options opts) {
  const std::string_view what = batch.is_transaction() ? "transaction" : "pipeline";
  if (batch.empty() && !batch.is_transaction()) return;
  const auto deadline = batch_deadline(config, batch);
  const std::string_view request = batch.start();
  if (const std::error_code ec = c.write(request, deadline)) {
    throw_error(ec, what, c.error_message());
  }
  batch_adapter adapter{&batch};
  for (std::size_t i = 0; i < batch.replies(); ++i) {
    resp::reply_status status = c.read(adapter, deadline);
    // A reply error leaves the connection in sync; a broken connection ends it all.
    if (c.is_broken()) throw_error(c.error(), what, c.error_message());
    batch.end_reply(std::move(status));
  }
  batch.finish(opts);
}

}  // namespace detail

void Client::execute(Pipeline& p, pipeline_options opts) {
  if (p.empty()) return;
  const options& config = pool_->config();
  ConnectionPool::lease lease = pool_->acquire(connection::deadline_after(config.command_timeout));
  detail::run_batch(config, *lease, p, opts);
}

void Client::execute(Transaction& tx, pipeline_options opts) {
  const options& config = pool_->config();
  ConnectionPool::lease lease = pool_->acquire(connection::deadline_after(config.command_timeout));
  detail::run_batch(config, *lease, tx, opts);
}

Transaction Client::transaction(arg_list<std::string_view> watched_keys,
                                const std::function<void(PinnedConnection&, Transaction&)>& fn,
                                transaction_options opts) {
  PinnedConnection connection = pin();
  for (int attempt = 1;; ++attempt) {
    if (!watched_keys.empty()) connection.watch(watched_keys);
    Transaction tx;
    fn(connection, tx);  // throws: the connection, WATCH and all, is closed
    if (tx.empty()) {
      if (!watched_keys.empty()) connection.unwatch();
      connection.give_back();
      return tx;
    }
    try {
      connection.execute(tx);
      connection.give_back();  // EXEC ended the WATCH: the connection is clean
      return tx;
    } catch (const WatchError&) {
      if (attempt >= opts.max_tries) {
        throw WatchError("EXEC (attempt " + std::to_string(attempt) + " of " +
                         std::to_string(opts.max_tries) + ")");
      }
    }
    if (opts.retry_delay.count() > 0) std::this_thread::sleep_for(opts.retry_delay);
  }
}

}  // namespace valkey
