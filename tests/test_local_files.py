"""Local files stay local: every user file passes one gate before a reader opens it.

A units file whose content is a GDAL virtual dataset (VRT) pointing at
``/vsicurl/`` would make GDAL send HEAD and GET requests to that server; a
FIFO given as a spec, table or scenario would block forever. Here a local
HTTP server records every request it gets: it must see none.
"""

import http.server
import os
import threading
from pathlib import Path

import pytest

import linyi_spatial as ls
from linyi_spatial._io import local_file, read_text
from linyi_spatial.errors import DataError, NetworkError, SpecError
from linyi_spatial.linyi.cli import main
from linyi_spatial.testing import write_region


@pytest.fixture
def server():
    """A local HTTP server that serves a GeoJSON of one square and records every request."""
    seen: list[str] = []
    body = (
        b'{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":['
        b'{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":'
        b"[[[10,50],[10.2,50],[10.2,50.2],[10,50.2],[10,50]]]}}]}"
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self, with_body: bool) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "application/geo+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self):
            self._answer(True)

        def do_HEAD(self):
            self._answer(False)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def vrt(url: str) -> str:
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="units">'
        f"<SrcDataSource>/vsicurl/{url}/units.geojson</SrcDataSource>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def test_a_vrt_units_file_is_refused_before_any_request(tmp_path, server):
    url, seen = server
    files = write_region(tmp_path / "in")
    files["units"].write_text(vrt(url), encoding="utf-8")
    with pytest.raises(SpecError, match=r"units file is not GeoJSON, GeoPackage or shapefile: its content reads as "
                       r"GDAL virtual dataset \(VRT\)"):  # fmt: skip
        ls.SpatialStructure.from_file(files["spec"])
    assert seen == []


def test_a_vrt_units_file_through_the_cli_sends_nothing(tmp_path, server, capsys):
    url, seen = server
    files = write_region(tmp_path / "in")
    files["units"].write_text("\n  " + vrt(url), encoding="utf-8")
    code = main(["maps", "--spec", str(files["spec"]), "--nodes", str(files["nodes"]), "--routes",
                 str(files["routes"]), "--out", str(tmp_path / "out"), "--offline", "--quiet"])  # fmt: skip
    assert code != 0
    assert "GDAL virtual dataset (VRT)" in capsys.readouterr().err
    assert seen == []
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "path",
    ["/vsicurl/{url}/units.geojson", "/vsizip//vsicurl/{url}/u.zip/u.shp", "{url}/units.geojson",
     "GeoJSON:/vsicurl/{url}/u.json", "/tmp/x/../vsicurl/{url}/u.geojson", r"\vsicurl\{url}"],
)  # fmt: skip
def test_gdal_virtual_and_network_paths_are_refused(server, path):
    url, seen = server
    with pytest.raises(DataError, match="a GDAL virtual or network path"):
        local_file(path.format(url=url), "units file", kind="vector")
    assert seen == []


def test_a_vrt_raster_is_refused_before_any_request(tmp_path, server):
    pytest.importorskip("rasterio")
    from linyi_spatial.accessibility import analysis_grid, raster_population
    from linyi_spatial.testing import made_up_structure

    url, seen = server
    path = tmp_path / "pop.tif"
    path.write_text(f'<VRTDataset rasterXSize="1" rasterYSize="1"><SourceFilename>/vsicurl/{url}/p.tif'
                    "</SourceFilename></VRTDataset>", encoding="utf-8")  # fmt: skip
    grid = analysis_grid(made_up_structure().units, cell_km=5)
    with pytest.raises(DataError, match=r"population raster is not GeoTIFF: its content reads as GDAL virtual"):
        raster_population(grid, path)
    assert seen == []


@pytest.mark.parametrize("flag", ["--spec", "--nodes", "--routes", "--lines", "--network"])
def test_a_fifo_is_refused_at_once_not_read_forever(tmp_path, capsys, flag):
    files = write_region(tmp_path / "in")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    given = {"--spec": files["spec"], "--nodes": files["nodes"], "--routes": files["routes"], "--lines": None,
             "--network": None}  # fmt: skip
    given[flag] = fifo
    argv = ["maps", "--out", str(tmp_path / "out"), "--offline", "--quiet", "--spec", str(given["--spec"])]
    if flag == "--network":
        argv += ["--network", str(fifo)]
    else:
        argv += ["--nodes", str(given["--nodes"]), "--routes", str(given["--routes"])]
    if flag == "--lines":
        argv += ["--lines", str(fifo)]
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(argv)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    if worker.is_alive():  # unblock the reader so the suite can go on, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail(f"a FIFO given as {flag} blocked the run")
    assert result
    assert result[0] != 0
    assert "is a FIFO (named pipe), not a regular file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "kind", "message"),
    [
        (
            b"SQLite format 3\x00" + b"\x00" * 100,
            "vector",
            r"its content reads as SQLite database \(not a GeoPackage\)",
        ),
        (b"PK\x03\x04zip", "vector", "its content reads as binary|its content reads as text"),
        (b"id,lon,lat\na,1,2\n", "vector", "its content reads as text"),
        (b"<kml></kml>", "vector", "its content reads as XML"),
        (b"<osm version='0.6'></osm>", "raster", "population raster is not GeoTIFF"),
        (b"\x89PNG\r\n\x1a\n\x00", "raster", "population raster is not GeoTIFF: its content reads as binary"),
        (b"<OGRVRTDataSource/>", "osm", "reads as GDAL virtual dataset"),
    ],
)
def test_only_the_documented_formats_pass(tmp_path, content, kind, message):
    path = tmp_path / "file.any"
    path.write_bytes(content)
    what = {"vector": "units file", "raster": "population raster", "osm": "OSM file"}[kind]
    with pytest.raises(DataError, match=message):
        local_file(path, what, kind=kind)


def test_the_documented_formats_pass_by_content_whatever_their_names(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(10, 50, 10.2, 50.2)], crs=4326)
    for driver, name in (("GeoJSON", "u.json"), ("GPKG", "u.gpkg"), ("ESRI Shapefile", "u.shp")):
        gdf.to_file(tmp_path / name, driver=driver)
        assert local_file(tmp_path / name, "units file", kind="vector") == tmp_path / name
    os.replace(tmp_path / "u.gpkg", tmp_path / "units.data")  # a GeoPackage under any name is one
    assert local_file(tmp_path / "units.data", "units file", kind="vector").name == "units.data"


def test_an_osm_fifo_and_folder_are_named(tmp_path):
    fifo = tmp_path / "x.osm.pbf"
    os.mkfifo(fifo)
    with pytest.raises(NetworkError, match="OSM file is a FIFO"):
        ls.network.from_osm(fifo)
    with pytest.raises(NetworkError, match="the OSM file path is a folder"):
        ls.network.from_osm(tmp_path)


def test_a_device_given_as_a_table_is_refused(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("needs /dev/zero")
    with pytest.raises(DataError, match="nodes table is a device or socket"):
        read_text("/dev/zero", "nodes table")
