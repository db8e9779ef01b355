# A small stand-in for GitLab Omnibus's configuration objects, so that Ruby itself evaluates a
# gitlab.rb (GITLAB_OMNIBUS_CONFIG) and the settings it makes can be compared with the catalog.
#
# Omnibus evaluates gitlab.rb with instance_eval on its Gitlab config object: the URLs are
# method calls (`external_url 'https://...'`), every other setting is an index assignment on one
# of the per-component hashes (`gitlab_rails['db_host'] = ...`). Only the roots below exist here,
# as in Omnibus a misspelt root is an error (NameError), not a silently ignored setting.
#
# Usage: ruby omnibus_stub.rb gitlab.rb  ->  {"calls": {...}, "settings": {...}} on stdout.
# Symbols are written as ":name" (keys and values), so a symbol hash stays told apart.
require 'json'

class OmnibusStub
  URLS = %w[external_url registry_external_url].freeze
  ROOTS = %w[
    letsencrypt nginx registry_nginx gitlab_rails puma sidekiq prometheus_monitoring
    postgresql gitaly redis gitlab_workhorse
  ].freeze

  attr_reader :calls, :settings

  def initialize
    @calls = {}
    @settings = {}
  end

  URLS.each do |name|
    define_method(name) do |url|
      raise ArgumentError, "#{name} given twice" if @calls.key?(name)

      @calls[name] = url
    end
  end

  ROOTS.each { |name| define_method(name) { @settings[name] ||= {} } }

  def self.plain(value)
    case value
    when Hash then value.to_h { |k, v| [plain(k), plain(v)] }
    when Array then value.map { |v| plain(v) }
    when Symbol then ":#{value}"
    when String, Integer, Float, true, false, nil then value
    else raise TypeError, "not a gitlab.rb value: #{value.inspect}"
    end
  end
end

path = ARGV.fetch(0)
config = OmnibusStub.new
config.instance_eval(File.read(path), path)
puts JSON.generate({ 'calls' => config.calls, 'settings' => OmnibusStub.plain(config.settings) })
