/** An example third-party kdns plugin: {@code hello} answers TXT queries with a greeting. */
module com.example.kdns.hello {
    requires kdns.api;

    provides kdns.api.Plugin with com.example.kdns.hello.HelloPlugin;
}
