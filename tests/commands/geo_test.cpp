// The geo group: GEOADD and its conditions, GEODIST in every unit, GEOHASH, GEOPOS,
// GEOSEARCH/GEOSEARCHSTORE with their reply variants, and the deprecated GEORADIUS
// family (plain, _RO, BYMEMBER, WITHDIST/WITHCOORD/WITHALL, STORE/STOREDIST), each under
// RESP2 and RESP3. The places are the ones of the Valkey documentation, whose distances
// and hashes are known.
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "valkey/errors.hpp"

#include "command_test.hpp"

// The GEORADIUS family is deprecated (since 6.2) but still served; its methods carry the
// attribute, and this file calls them on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace valkey::test {
namespace {

using opt_double = std::optional<double>;
using opt_string = std::optional<std::string>;
using strings = std::vector<std::string>;
using with_dist = std::vector<std::pair<std::string, double>>;
using with_coord = std::vector<std::pair<std::string, reply::geo_position>>;
using with_all = std::vector<reply::geo_member>;

// Where the server stores the documentation's places (52-bit geohash precision).
constexpr reply::geo_position kPalermo{13.36138933897018433, 38.11555639549629859};
constexpr reply::geo_position kCatania{15.08726745843887329, 37.50266842333162032};
constexpr std::int64_t kPalermoHash = 3479099956230698;
constexpr std::int64_t kCataniaHash = 3479447370796909;

class GeoCommandTest : public CommandTest {
 protected:
  // Palermo and Catania under `key`.
  static void add_sicily(TestClient& c, const std::string& key) {
    c.geoadd(key, {{13.361389, 38.115556, "Palermo"}, {15.087269, 37.502669, "Catania"}});
  }
};

void expect_near(const reply::geo_position& actual, const reply::geo_position& expected) {
  EXPECT_NEAR(actual.longitude, expected.longitude, 1e-9);
  EXPECT_NEAR(actual.latitude, expected.latitude, 1e-9);
}

TEST_F(GeoCommandTest, GeoaddCountsNewMembersAndHonoursItsConditions) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    const std::int64_t added =
        c.geoadd(key, {{13.361389, 38.115556, "Palermo"}, {15.087269, 37.502669, "Catania"}});
    const std::int64_t again = c.geoadd(key, {{13.361389, 38.115556, "Palermo"}});
    // NX: only new members; Palermo keeps its place.
    const std::int64_t nx_added = c.geoadd(
        key, {{1.0, 1.0, "Palermo"}, {12.758489, 38.788135, "edge1"}}, {.condition = valkey::nx});
    // XX: only existing members; CH counts the changed ones instead of the added ones.
    const std::int64_t xx_added =
        c.geoadd(key, {{2.0, 2.0, "edge1"}, {3.0, 3.0, "nowhere"}}, {.condition = valkey::xx});
    const std::int64_t xx_changed =
        c.geoadd(key, {{12.758489, 38.788135, "edge1"}}, {.condition = valkey::xx, .change = true});
    const std::int64_t ch_added_and_changed =
        c.geoadd(key, {{12.758489, 38.788135, "edge1"}, {4.0, 4.0, "edge2"}}, {.change = true});
    const auto where = c.geopos(key, {.member = {"Palermo", "nowhere"}});
    return std::tuple(added, again, nx_added, xx_added, xx_changed, ch_added_and_changed, where);
  });
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_EQ(std::get<1>(r), 0);
  EXPECT_EQ(std::get<2>(r), 1);
  EXPECT_EQ(std::get<3>(r), 0);
  EXPECT_EQ(std::get<4>(r), 1);
  EXPECT_EQ(std::get<5>(r), 1);
  const auto& where = std::get<6>(r);
  ASSERT_EQ(where.size(), 2u);
  ASSERT_TRUE(where[0].has_value());
  expect_near(*where[0], kPalermo);
  EXPECT_FALSE(where[1].has_value());
}

TEST_F(GeoCommandTest, GeodistInEveryUnit) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_sicily(c, p + "Sicily");
    const std::string key = p + "Sicily";
    return std::tuple(c.geodist(key, "Palermo", "Catania"),
                      c.geodist(key, "Palermo", "Catania", {.unit = valkey::m}),
                      c.geodist(key, "Palermo", "Catania", {.unit = valkey::km}),
                      c.geodist(key, "Palermo", "Catania", {.unit = valkey::mi}),
                      c.geodist(key, "Palermo", "Catania", {.unit = valkey::ft}),
                      c.geodist(key, "Palermo", "Palermo"), c.geodist(key, "Palermo", "nowhere"),
                      c.geodist(p + "missing", "a", "b"));
  });
  EXPECT_EQ(r, std::tuple(opt_double(166274.1516), opt_double(166274.1516), opt_double(166.2742),
                          opt_double(103.3182), opt_double(545518.8700), opt_double(0.0),
                          opt_double(), opt_double()));
}

TEST_F(GeoCommandTest, GeohashAndGeopos) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_sicily(c, p + "Sicily");
    const std::string key = p + "Sicily";
    return std::tuple(c.geohash(key, {.member = {"Palermo", "Catania", "nowhere"}}), c.geohash(key),
                      c.geopos(key, {.member = {"Catania", "nowhere", "Palermo"}}),
                      c.geopos(p + "missing", {.member = {"a"}}));
  });
  EXPECT_EQ(std::get<0>(r), (std::vector<opt_string>{"sqc8b49rny0", "sqdtr74hyu0", std::nullopt}));
  EXPECT_TRUE(std::get<1>(r).empty());
  const auto& where = std::get<2>(r);
  ASSERT_EQ(where.size(), 3u);
  ASSERT_TRUE(where[0].has_value());
  expect_near(*where[0], kCatania);
  EXPECT_FALSE(where[1].has_value());
  ASSERT_TRUE(where[2].has_value());
  expect_near(*where[2], kPalermo);
  EXPECT_EQ(std::get<3>(r), (std::vector<std::optional<reply::geo_position>>{std::nullopt}));
}

TEST_F(GeoCommandTest, GeosearchFromMemberAndFromLonLat) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    c.geoadd(key, {{12.758489, 38.788135, "edge1"}, {17.241510, 38.788135, "edge2"}});
    const strings around_palermo =
        c.geosearch(key, valkey::frommember{"Palermo"}, cmd::geosearch_by_circle{200, valkey::km},
                    {.order = valkey::asc});
    const strings in_box =
        c.geosearch(key, valkey::fromlonlat{15, 37}, cmd::geosearch_by_box{400, 400, valkey::km},
                    {.order = valkey::desc});
    const strings nearest_two =
        c.geosearch(key, valkey::fromlonlat{15, 37}, cmd::geosearch_by_circle{500, valkey::km},
                    {.order = valkey::asc, .count_block = {{2, false}}});
    const strings any_one =
        c.geosearch(key, valkey::fromlonlat{15, 37}, cmd::geosearch_by_circle{500, valkey::km},
                    {.count_block = {{1, true}}});
    const strings none =
        c.geosearch(key, valkey::fromlonlat{0, 0}, cmd::geosearch_by_circle{1, valkey::m});
    return std::tuple(around_palermo, in_box, nearest_two, any_one.size(), none);
  });
  EXPECT_EQ(r, std::tuple(strings{"Palermo", "edge1", "Catania"},
                          strings{"edge1", "edge2", "Palermo", "Catania"},
                          strings{"Catania", "Palermo"}, std::size_t{1}, strings{}));
}

TEST_F(GeoCommandTest, GeosearchWithDistCoordAndAll) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    const auto center = valkey::fromlonlat{15, 37};
    const auto circle = cmd::geosearch_by_circle{200, valkey::km};
    return std::tuple(c.geosearch_withdist(key, center, circle, {.order = valkey::asc}),
                      c.geosearch_withcoord(key, center, circle, {.order = valkey::asc}),
                      c.geosearch_withall(key, center, circle,
                                          {.order = valkey::desc, .count_block = {{1, false}}}),
                      c.geosearch_withdist(key, valkey::frommember{"Palermo"},
                                           cmd::geosearch_by_box{10, 10, valkey::mi}));
  });
  EXPECT_EQ(std::get<0>(r), (with_dist{{"Catania", 56.4413}, {"Palermo", 190.4424}}));
  const with_coord& coords = std::get<1>(r);
  ASSERT_EQ(coords.size(), 2u);
  EXPECT_EQ(coords[0].first, "Catania");
  expect_near(coords[0].second, kCatania);
  EXPECT_EQ(coords[1].first, "Palermo");
  expect_near(coords[1].second, kPalermo);
  const with_all& all_of = std::get<2>(r);
  ASSERT_EQ(all_of.size(), 1u);
  EXPECT_EQ(all_of[0].member, "Palermo");
  EXPECT_DOUBLE_EQ(all_of[0].distance, 190.4424);
  EXPECT_EQ(all_of[0].hash, kPalermoHash);
  expect_near(all_of[0].position, kPalermo);
  EXPECT_EQ(std::get<3>(r), (with_dist{{"Palermo", 0.0}}));
}

TEST_F(GeoCommandTest, GeosearchstoreStoresMembersOrDistances) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    const auto center = valkey::fromlonlat{15, 37};
    const std::int64_t stored =
        c.geosearchstore(p + "near", key, center, cmd::geosearchstore_by_circle{200, valkey::km});
    const std::int64_t stored_dist =
        c.geosearchstore(p + "dist", key, center, cmd::geosearchstore_by_box{400, 400, valkey::km},
                         {.order = valkey::asc, .count_block = {{1, false}}, .storedist = true});
    const std::int64_t stored_none = c.geosearchstore(p + "near", key, valkey::fromlonlat{0, 0},
                                                      cmd::geosearchstore_by_circle{1, valkey::m});
    return std::tuple(stored, stored_dist, c.zscore(p + "dist", "Catania"), stored_none,
                      c.exists({p + "near"}));
  });
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_EQ(std::get<1>(r), 1);
  ASSERT_TRUE(std::get<2>(r).has_value());
  EXPECT_NEAR(*std::get<2>(r), 56.4412578701582, 1e-9);  // STOREDIST keeps full precision
  // An empty result deletes the destination.
  EXPECT_EQ(std::get<3>(r), 0);
  EXPECT_EQ(std::get<4>(r), 0);
}

TEST_F(GeoCommandTest, GeosearchstoreKeepsTheGeohashScores) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    add_sicily(c, p + "Sicily");
    c.geosearchstore(p + "copy", p + "Sicily", valkey::frommember{"Palermo"},
                     cmd::geosearchstore_by_circle{500, valkey::km});
    return std::tuple(c.zscore(p + "copy", "Palermo"), c.zscore(p + "copy", "Catania"),
                      c.geohash(p + "copy", {.member = {"Catania"}}));
  });
  EXPECT_EQ(r, std::tuple(opt_double(static_cast<double>(kPalermoHash)),
                          opt_double(static_cast<double>(kCataniaHash)),
                          std::vector<opt_string>{"sqdtr74hyu0"}));
}

TEST_F(GeoCommandTest, GeoradiusAndGeoradiusRo) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    return std::tuple(
        c.georadius(key, 15, 37, 200, valkey::km, {.order = valkey::asc}),
        c.georadius(key, 15, 37, 100, valkey::km),
        c.georadius(key, 15, 37, 200, valkey::km,
                    {.count_block = cmd::georadius_count_block{1, false}, .order = valkey::desc}),
        c.georadius_withdist(key, 15, 37, 200, valkey::km, {.order = valkey::asc}),
        c.georadius_ro(key, 15, 37, 200000, valkey::m, {.order = valkey::desc}),
        c.georadius_ro_withdist(
            key, 15, 37, 200, valkey::km,
            {.count_block = cmd::georadius_ro_count_block{1, false}, .order = valkey::asc}),
        c.georadius_ro(key, 15, 37, 200, valkey::km,
                       {.count_block = cmd::georadius_ro_count_block{1, true}})
            .size());
  });
  EXPECT_EQ(r, std::tuple(strings{"Catania", "Palermo"}, strings{"Catania"}, strings{"Palermo"},
                          with_dist{{"Catania", 56.4413}, {"Palermo", 190.4424}},
                          strings{"Palermo", "Catania"}, with_dist{{"Catania", 56.4413}},
                          std::size_t{1}));
}

TEST_F(GeoCommandTest, GeoradiusWithCoordAndWithAll) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    return std::tuple(c.georadius_withcoord(key, 15, 37, 200, valkey::km, {.order = valkey::asc}),
                      c.georadius_withall(key, 15, 37, 200, valkey::km, {.order = valkey::asc}),
                      c.georadius_ro_withcoord(key, 15, 37, 100, valkey::km),
                      c.georadius_ro_withall(key, 15, 37, 100, valkey::km));
  });
  const with_coord& coords = std::get<0>(r);
  ASSERT_EQ(coords.size(), 2u);
  EXPECT_EQ(coords[0].first, "Catania");
  expect_near(coords[0].second, kCatania);
  EXPECT_EQ(coords[1].first, "Palermo");
  expect_near(coords[1].second, kPalermo);
  const with_all& all_of = std::get<1>(r);
  ASSERT_EQ(all_of.size(), 2u);
  EXPECT_EQ(all_of[0].member, "Catania");
  EXPECT_DOUBLE_EQ(all_of[0].distance, 56.4413);
  EXPECT_EQ(all_of[0].hash, kCataniaHash);
  expect_near(all_of[0].position, kCatania);
  EXPECT_EQ(all_of[1].member, "Palermo");
  EXPECT_DOUBLE_EQ(all_of[1].distance, 190.4424);
  EXPECT_EQ(all_of[1].hash, kPalermoHash);
  expect_near(all_of[1].position, kPalermo);
  const with_coord& ro_coords = std::get<2>(r);
  ASSERT_EQ(ro_coords.size(), 1u);
  EXPECT_EQ(ro_coords[0].first, "Catania");
  expect_near(ro_coords[0].second, kCatania);
  ASSERT_EQ(std::get<3>(r).size(), 1u);
  EXPECT_EQ(std::get<3>(r)[0].hash, kCataniaHash);
}

TEST_F(GeoCommandTest, GeoradiusStoreAndStoredist) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    const std::int64_t stored = c.georadius_store(key, 15, 37, 200, valkey::km, p + "near");
    const std::int64_t stored_dist = c.georadius_storedist(
        key, 15, 37, 200, valkey::km, p + "dist",
        {.count_block = cmd::georadius_count_block{1, false}, .order = valkey::asc});
    return std::tuple(stored, c.zscore(p + "near", "Palermo"), stored_dist,
                      c.zscore(p + "dist", "Catania"), c.zscore(p + "dist", "Palermo"));
  });
  EXPECT_EQ(std::get<0>(r), 2);
  EXPECT_EQ(std::get<1>(r), opt_double(static_cast<double>(kPalermoHash)));
  EXPECT_EQ(std::get<2>(r), 1);
  ASSERT_TRUE(std::get<3>(r).has_value());
  EXPECT_NEAR(*std::get<3>(r), 56.4412578701582, 1e-9);
  EXPECT_EQ(std::get<4>(r), opt_double());  // COUNT 1 kept only the nearest
}

TEST_F(GeoCommandTest, GeoradiusbymemberAndItsVariants) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    c.geoadd(key, {{12.758489, 38.788135, "edge1"}});
    return std::tuple(
        c.georadiusbymember(key, "Palermo", 200, valkey::km, {.order = valkey::asc}),
        c.georadiusbymember(
            key, "Palermo", 100, valkey::km,
            {.count_block = cmd::georadiusbymember_count_block{1, false}, .order = valkey::desc}),
        c.georadiusbymember_withdist(key, "Palermo", 100, valkey::km, {.order = valkey::asc}),
        c.georadiusbymember_ro(key, "Catania", 100, valkey::km),
        c.georadiusbymember_ro_withdist(key, "Palermo", 200, valkey::km, {.order = valkey::desc}));
  });
  EXPECT_EQ(r, std::tuple(strings{"Palermo", "edge1", "Catania"}, strings{"edge1"},
                          with_dist{{"Palermo", 0.0}, {"edge1", 91.4007}}, strings{"Catania"},
                          with_dist{{"Catania", 166.2742}, {"edge1", 91.4007}, {"Palermo", 0.0}}));
}

TEST_F(GeoCommandTest, GeoradiusbymemberWithCoordWithAllAndStore) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    const std::string key = p + "Sicily";
    add_sicily(c, key);
    const std::int64_t stored =
        c.georadiusbymember_store(key, "Palermo", 200, valkey::km, p + "near");
    const std::int64_t stored_dist = c.georadiusbymember_storedist(
        key, "Palermo", 200, valkey::km, p + "dist", {.order = valkey::desc});
    return std::tuple(
        c.georadiusbymember_withcoord(key, "Palermo", 10, valkey::km),
        c.georadiusbymember_withall(key, "Palermo", 200, valkey::km, {.order = valkey::desc}),
        c.georadiusbymember_ro_withcoord(key, "Catania", 10, valkey::km),
        c.georadiusbymember_ro_withall(key, "Catania", 10, valkey::km), stored,
        c.zscore(p + "near", "Catania"), stored_dist, c.zscore(p + "dist", "Catania"));
  });
  const with_coord& coords = std::get<0>(r);
  ASSERT_EQ(coords.size(), 1u);
  EXPECT_EQ(coords[0].first, "Palermo");
  expect_near(coords[0].second, kPalermo);
  const with_all& all_of = std::get<1>(r);
  ASSERT_EQ(all_of.size(), 2u);
  EXPECT_EQ(all_of[0].member, "Catania");
  EXPECT_DOUBLE_EQ(all_of[0].distance, 166.2742);
  EXPECT_EQ(all_of[0].hash, kCataniaHash);
  expect_near(all_of[0].position, kCatania);
  EXPECT_EQ(all_of[1].member, "Palermo");
  EXPECT_DOUBLE_EQ(all_of[1].distance, 0.0);
  EXPECT_EQ(all_of[1].hash, kPalermoHash);
  const with_coord& ro_coords = std::get<2>(r);
  ASSERT_EQ(ro_coords.size(), 1u);
  EXPECT_EQ(ro_coords[0].first, "Catania");
  expect_near(ro_coords[0].second, kCatania);
  ASSERT_EQ(std::get<3>(r).size(), 1u);
  EXPECT_EQ(std::get<3>(r)[0].member, "Catania");
  EXPECT_DOUBLE_EQ(std::get<3>(r)[0].distance, 0.0);
  EXPECT_EQ(std::get<4>(r), 2);
  EXPECT_EQ(std::get<5>(r), opt_double(static_cast<double>(kCataniaHash)));
  EXPECT_EQ(std::get<6>(r), 2);
  ASSERT_TRUE(std::get<7>(r).has_value());
  EXPECT_NEAR(*std::get<7>(r), 166.27415156960032, 1e-9);
}

TEST_F(GeoCommandTest, ErrorsAreTypedAndTheClientStaysUsable) {
  const auto r = in_both([](TestClient& c, const std::string& p) {
    c.set(p + "str", "v");
    add_sicily(c, p + "Sicily");
    std::vector<std::string> errors;
    const auto attempt = [&](auto&& run) {
      try {
        run();
        errors.push_back("no error");
      } catch (const WrongTypeError& e) {
        errors.push_back("WrongTypeError " + e.command());
      } catch (const ResponseError& e) {
        errors.push_back("ResponseError " + e.command() + " " + std::string(e.prefix()));
      }
    };
    attempt([&] { c.geoadd(p + "Sicily", {{200, 0, "bad"}}); });  // longitude out of range
    attempt([&] { c.geoadd(p + "str", {{1, 1, "x"}}); });
    attempt([&] { c.geodist(p + "str", "a", "b"); });
    attempt([&] {
      c.geosearch(p + "Sicily", valkey::frommember{"nowhere"},
                  cmd::geosearch_by_circle{1, valkey::km});
    });
    attempt([&] { c.georadiusbymember(p + "Sicily", "nowhere", 1, valkey::km); });
    return std::tuple(errors, c.geodist(p + "Sicily", "Palermo", "Catania", {.unit = valkey::km}));
  });
  EXPECT_EQ(r, std::tuple(strings{"ResponseError GEOADD ERR", "WrongTypeError GEOADD",
                                  "WrongTypeError GEODIST", "ResponseError GEOSEARCH ERR",
                                  "ResponseError GEORADIUSBYMEMBER ERR"},
                          opt_double(166.2742)));
}

}  // namespace
}  // namespace valkey::test
