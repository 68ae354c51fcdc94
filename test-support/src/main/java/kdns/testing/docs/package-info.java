/** The corefile examples of a plugin's pages, split into server blocks and directives for the docs checks. */
package kdns.testing.docs;
